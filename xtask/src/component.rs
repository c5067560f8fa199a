//! The Spin component as shipped: `cargo build` links a WebAssembly component whose main core
//! module still carries its function names (≈ 4 MB) and is optimised for size by rustc only.
//! [`optimise`] takes that module out, runs binaryen's `wasm-opt -Oz` on it (which also drops the
//! names) and puts it back in the same place, so the component's types, imports and the other
//! modules are untouched: 8.6 MB → ≈ 3.8 MB, measured in `cargo xtask test`'s budget step. The
//! module taken out (`<name>.main-module.wasm` beside the shipped component) keeps its names, for
//! twiggy.

use crate::Result;
use std::path::Path;

/// The size of a component's header: `\0asm`, then version 13 and layer 1.
const COMPONENT_PREAMBLE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
/// A component's section holding one core module.
const CORE_MODULE: u8 = 1;

/// An unsigned LEB128 number at `at`, and where the bytes after it start.
fn leb128(bytes: &[u8], mut at: usize) -> Result<(usize, usize)> {
    let (mut value, mut shift) = (0_usize, 0_u32);
    loop {
        let byte = *bytes.get(at).ok_or("the component ends inside a section size")?;
        at += 1;
        value |= usize::from(byte & 0x7f).checked_shl(shift).ok_or("a section size is too large")?;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
        shift += 7;
    }
}

fn encode_leb128(mut value: usize, out: &mut Vec<u8>) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// The top-level sections of `component`: (id, where its contents start, their length).
fn sections(component: &[u8]) -> Result<Vec<(u8, usize, usize)>> {
    if component.get(..8) != Some(&COMPONENT_PREAMBLE[..]) {
        return Err("not a WebAssembly component (wrong header)".into());
    }
    let mut found = Vec::new();
    let mut at = 8;
    while at < component.len() {
        let id = component[at];
        let (len, start) = leb128(component, at + 1)?;
        if start + len > component.len() {
            return Err("a section runs past the end of the component".into());
        }
        found.push((id, start, len));
        at = start + len;
    }
    Ok(found)
}

/// Which of `sections` holds the component's largest core module (the program; the others are
/// WASI adapters' shims).
fn main_index(sections: &[(u8, usize, usize)]) -> Result<usize> {
    sections
        .iter()
        .enumerate()
        .filter(|(_, (id, _, _))| *id == CORE_MODULE)
        .max_by_key(|(_, (_, _, len))| *len)
        .map(|(i, _)| i)
        .ok_or_else(|| "the component has no core module".to_owned())
}

/// The component's largest core module.
pub fn main_module(component: &[u8]) -> Result<&[u8]> {
    let all = sections(component)?;
    let (_, start, len) = all[main_index(&all)?];
    Ok(&component[start..start + len])
}

/// `component` with its largest core module replaced by `module`, every other byte as it was.
pub fn with_main_module(component: &[u8], module: &[u8]) -> Result<Vec<u8>> {
    let all = sections(component)?;
    let main = main_index(&all)?;
    let mut out = COMPONENT_PREAMBLE.to_vec();
    let mut at = 8;
    for (i, (_, start, len)) in all.iter().enumerate() {
        if i == main {
            out.push(CORE_MODULE);
            encode_leb128(module.len(), &mut out);
            out.extend_from_slice(module);
        } else {
            out.extend_from_slice(&component[at..start + len]);
        }
        at = start + len;
    }
    Ok(out)
}

/// Writes `raw` optimised to `shipped`, unless `shipped` is already newer than `raw` (change the
/// flags below and delete `shipped` to have it run again).
pub fn optimise(raw: &Path, shipped: &Path, wasm_opt: &Path) -> Result<()> {
    let fresh = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(built), Some(done)) = (fresh(raw), fresh(shipped)) {
        if done > built {
            eprintln!("    {} is up to date", shipped.display());
            return Ok(());
        }
    }
    let component = crate::read(raw)?;
    let dir = shipped.parent().ok_or("the shipped component needs a directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let stem = shipped.file_stem().and_then(|s| s.to_str()).unwrap_or("component");
    let core = dir.join(format!("{stem}.main-module.wasm"));
    let core_opt = dir.join(format!("{stem}.main-module.oz.wasm"));
    crate::write(&core, main_module(&component)?)?;
    let started = std::time::Instant::now();
    // The module's `target_features` section tells wasm-opt which features it may use.
    crate::sh(&wasm_opt.to_string_lossy(), &["-Oz", &core.to_string_lossy(), "-o", &core_opt.to_string_lossy()])?;
    eprintln!("    wasm-opt took {:.1}s", started.elapsed().as_secs_f64());
    let optimised = with_main_module(&component, &crate::read(&core_opt)?)?;
    crate::write(shipped, &optimised)?;
    eprintln!("    {} : {} B (cargo's build: {} B)", shipped.display(), optimised.len(), component.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A component of three sections: a custom one, a small and a large core module.
    fn component(small: &[u8], large: &[u8]) -> Vec<u8> {
        let mut c = COMPONENT_PREAMBLE.to_vec();
        c.extend([0, 3, 1, b'x', 9]);
        for module in [small, large] {
            c.push(CORE_MODULE);
            encode_leb128(module.len(), &mut c);
            c.extend_from_slice(module);
        }
        c
    }

    #[test]
    fn the_largest_core_module_is_replaced_and_every_other_byte_kept() {
        let large = vec![7_u8; 200];
        let c = component(b"small", &large);
        assert_eq!(main_module(&c).unwrap(), &large[..]);
        assert_eq!(with_main_module(&c, &large).unwrap(), c, "putting the same module back changes nothing");
        let replaced = with_main_module(&c, b"tiny").unwrap();
        assert_eq!(replaced, component(b"small", b"tiny"));
    }

    #[test]
    fn a_core_module_is_refused_as_a_component() {
        let mut module = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
        module.extend([0, 1, 0]);
        assert!(main_module(&module).is_err());
    }

    #[test]
    fn sizes_round_trip_through_leb128() {
        for n in [0, 1, 127, 128, 300, 16_384, 9_538_995] {
            let mut bytes = Vec::new();
            encode_leb128(n, &mut bytes);
            assert_eq!(leb128(&bytes, 0).unwrap(), (n, bytes.len()));
        }
    }
}
