//! Golden fixtures for the offers engine: each `tests/golden/offers/NAME.input.json` (rules, shopper,
//! items, optional usage) is evaluated with explanations and compared with `NAME.expected.json`.
//! After an intended change, regenerate with `VITRINA_UPDATE_GOLDEN=1 cargo test -p vitrina-shared --test golden`
//! and review the diff.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use vitrina_shared::offers::{evaluate, Item, Rule, RuleBook, Shopper, Usage};
use vitrina_shared::rule_draft::RuleDraft;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    rules: Vec<Rule>,
    shopper: Shopper,
    items: Vec<Item>,
    #[serde(default)]
    usage: HashMap<String, Usage>,
}

/// The fixtures' input files, in name order.
fn offers_inputs() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/offers");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir).expect("fixtures dir").filter_map(Result::ok).map(|e| e.path()).collect();
    inputs.retain(|p| p.to_string_lossy().ends_with(".input.json"));
    inputs.sort();
    assert!(inputs.len() >= 3, "fixtures in {}", dir.display());
    inputs
}

#[test]
fn every_golden_offers_fixture_prices_as_recorded() {
    for input in offers_inputs() {
        let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(&input).expect("read")).expect("fixture parses");
        let priced = evaluate(&RuleBook::new(fixture.rules), &fixture.shopper, &fixture.items, &fixture.usage, true);
        let actual = serde_json::to_string_pretty(&priced).expect("json") + "\n";
        let expected_path = input.with_file_name(input.file_name().unwrap().to_string_lossy().replace(".input.json", ".expected.json"));
        if std::env::var_os("VITRINA_UPDATE_GOLDEN").is_some() {
            std::fs::write(&expected_path, &actual).expect("write golden");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
        assert_eq!(actual, expected, "{} no longer prices as recorded", input.display());
    }
}

#[test]
fn every_golden_rule_opened_in_the_console_editor_saves_back_unchanged() {
    let mut seen = 0;
    for input in offers_inputs() {
        let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(&input).expect("read")).expect("fixture parses");
        for rule in fixture.rules {
            assert_eq!(RuleDraft::from_rule(&rule).build(), Ok(rule.clone()), "{}: rule {}", input.display(), rule.id);
            seen += 1;
        }
    }
    assert!(seen >= 3, "rules in the fixtures: {seen}");
}
