//! Hostile server-first and server-final SCRAM messages.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tusk_proto::auth::scram::{ChannelBinding, ScramClient};

fuzz_target!(|data: &[u8]| {
    let (first, last) = data.split_at(data.len() / 2);
    let mut c = ScramClient::new(b"pencil", ChannelBinding::Unsupported, "fyko+d2lbbFgONRv9qkxdawL")
        .with_max_iterations(4096);
    let _ = c.client_first();
    if c.handle_server_first(first).is_ok() {
        let _ = c.handle_server_final(last);
    }
});
