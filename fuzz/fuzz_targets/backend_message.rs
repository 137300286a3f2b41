//! Any bytes fed to the backend decoder: messages or a typed error, never a panic, and
//! whatever decodes re-encodes to something that decodes to the same message.
#![no_main]
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tusk_proto::{Limits, backend::BackendMessage};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_message_len: 1 << 20, ..Limits::default() };
    let mut buf = BytesMut::from(data);
    while let Ok(Some(msg)) = BackendMessage::decode(&mut buf, &limits) {
        let mut again = BytesMut::new();
        if msg.encode(&mut again).is_ok() {
            let back = BackendMessage::decode(&mut again, &limits).expect("re-encoded message decodes");
            assert_eq!(back, Some(msg));
        }
    }
});
