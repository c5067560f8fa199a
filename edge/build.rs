//! Ships the OpenAPI document without its indentation (`edge/openapi.json` stays readable in
//! the repository; the served copy is ≈ 93 KB smaller, which the Spin component carries).

use std::path::PathBuf;

/// `json` with every space, tab and line break outside string literals removed.
fn minified(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn main() {
    println!("cargo::rerun-if-changed=openapi.json");
    let source = std::fs::read_to_string("openapi.json").expect("edge/openapi.json is readable");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("openapi.min.json");
    std::fs::write(&out, minified(&source)).expect("OUT_DIR is writable");
}
