#![no_main]

use libfuzzer_sys::fuzz_target;

// The earned-value file reader (crates/rapport-core/src/evm_file.rs).
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rapport_core::evm_file::EvmFile::parse(text);
    }
});
