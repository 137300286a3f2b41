//! Any bytes as the first packet a server reads.
#![no_main]
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tusk_proto::{Limits, frontend::StartupPacket};

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    if let Ok(Some(p)) = StartupPacket::decode(&mut buf, &Limits::default()) {
        let mut again = BytesMut::new();
        if p.encode(&mut again).is_ok() {
            assert_eq!(StartupPacket::decode(&mut again, &Limits::default()).expect("decodes"), Some(p));
        }
    }
});
