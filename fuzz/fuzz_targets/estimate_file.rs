#![no_main]

use libfuzzer_sys::fuzz_target;

// The estimate file reader (crates/rapport-core/src/estimate/file.rs).
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rapport_core::estimate::Estimate::parse(text);
    }
});
