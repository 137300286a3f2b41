//! Any bytes fed to the frontend (server-side) decoder.
#![no_main]
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tusk_proto::{Limits, frontend::FrontendMessage};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_message_len: 1 << 20, ..Limits::default() };
    let mut buf = BytesMut::from(data);
    while let Ok(Some(msg)) = FrontendMessage::decode(&mut buf, &limits) {
        let mut again = BytesMut::new();
        if msg.encode(&mut again).is_ok() {
            assert_eq!(FrontendMessage::decode(&mut again, &limits).expect("decodes"), Some(msg));
        }
    }
});
