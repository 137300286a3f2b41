//! Any bytes as a DataRow body: ranges are in bounds or an error.
#![no_main]
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use tusk_proto::backend::DataRow;

fuzz_target!(|data: &[u8]| {
    let row = DataRow::from_body(Bytes::copy_from_slice(data));
    let mut ranges = Vec::new();
    if row.ranges(&mut ranges).is_ok() {
        for r in ranges.into_iter().flatten() {
            assert!(r.end <= data.len());
        }
    }
});
