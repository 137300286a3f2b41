//! Hostile client-first and client-final SCRAM messages against the server side.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tusk_proto::auth::scram::{ScramSecret, ScramServer, ServerChannelBinding, SCRAM_SHA_256};

fuzz_target!(|data: &[u8]| {
    let Ok(secret) = ScramSecret::new(b"pencil", b"0123456789abcdef", 16) else { return };
    let (first, last) = data.split_at(data.len() / 2);
    let mut s = ScramServer::new(secret, "3rfcNHYJY1ZVvWVs7j", ServerChannelBinding::None);
    if s.handle_client_first(SCRAM_SHA_256, first).is_ok() {
        let _ = s.handle_client_final(last);
    }
});
