//! Any bytes as the body of a `p` message, read as each of its meanings.
#![no_main]
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use tusk_proto::frontend::AuthResponse;

fuzz_target!(|data: &[u8]| {
    let _ = AuthResponse::password(Bytes::copy_from_slice(data));
    let _ = AuthResponse::sasl_initial(Bytes::copy_from_slice(data));
});
