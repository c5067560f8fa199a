//! The SpinKube manifests (`deploy/spinkube/`) checked against their schemas (`cargo xtask kube`,
//! and a step of `cargo xtask test`).
//!
//! The validator is `xtask/kube_validate.py` on kubernetes-validate from PyPI: Kubernetes' own
//! kinds (Secret, CronJob, CustomResourceDefinition) against the strict schemas that package ships
//! for each Kubernetes version, and the custom kinds (SpinApp, SpinAppExecutor) against the CRDs
//! vendored from spin-operator in `deploy/spinkube/schema/`, made strict as the API server is.
//! Every YAML document of every `.yaml` file there is checked; one without a schema fails.
//!
//! So that the check cannot pass by checking nothing, the step then breaks the real manifests in
//! known ways ([`BROKEN`]) and requires the validator to refuse each with the expected error.
//! Last, [`dispatch_command`] runs the CronJob's own shell command against a native host.

use crate::{apt_install, ensure_pypi, output, root, step, target, write, Host, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Pinned so a new release cannot change what CI checks; it ships Kubernetes' schemas up to 1.37.
const KUBERNETES_VALIDATE: &str = "1.37.0";
/// The Kubernetes versions every manifest must be valid for: 1.30 (every field used here is GA
/// there) and 1.37, the newest the pinned validator knows.
const KUBERNETES_VERSIONS: [&str; 2] = ["1.30.0", "1.37.0"];
/// The manifests, relative to the repository root.
const MANIFESTS: &str = "deploy/spinkube";
/// The vendored CustomResourceDefinitions (spin-operator v0.6.1), relative to the repository root.
const CRDS: &str = "deploy/spinkube/schema";
const VALIDATOR: &str = "xtask/kube_validate.py";

/// A manifest broken on purpose: in `file`, `from` (found exactly once) becomes `to`, and the
/// validator must refuse the result with an error containing `expected`.
struct Broken {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    expected: &'static str,
}

/// The negative controls: a wrong type and an unknown field in the SpinApp (the CRD's schema is
/// applied, strictly), a misspelt metadata field (ObjectMeta is applied to custom kinds), a missing
/// required field, a wrong type in the CronJob and an unknown field in a Secret (Kubernetes' strict
/// schemas are applied), a duplicate key, and a kind nothing describes.
const BROKEN: [Broken; 8] = [
    Broken {
        file: "spinapp.yaml",
        from: "replicas: 3",
        to: "replicas: \"two\"",
        expected: "spec.replicas: 'two' is not of type 'integer'",
    },
    Broken {
        file: "spinapp.yaml",
        from: "  executor: containerd-shim-spin\n",
        to: "  executor: containerd-shim-spin\n  replica: 2\n",
        expected: "('replica' was unexpected)",
    },
    Broken {
        file: "spinapp.yaml",
        from: "  name: vitrina\n",
        to: "  name: vitrina\n  namespce: shop\n",
        expected: "metadata: Additional properties are not allowed ('namespce' was unexpected)",
    },
    Broken { file: "spinapp.yaml", from: "  image: ", to: "  imageRef: ", expected: "spec: 'image' is a required property" },
    Broken {
        file: "cronjob.yaml",
        from: "schedule: \"* * * * *\"",
        to: "schedule: 60",
        expected: "spec.schedule: 60 is not of type 'string'",
    },
    Broken { file: "variables-secret.yaml", from: "stringData:", to: "stringdata:", expected: "('stringdata' was unexpected)" },
    Broken {
        file: "runtime-config-secret.yaml",
        from: "  name: vitrina-runtime-config\n",
        to: "  name: vitrina-runtime-config\n  name: vitrina-runtime\n",
        expected: "duplicate key 'name'",
    },
    Broken { file: "executor.yaml", from: "kind: SpinAppExecutor", to: "kind: SpinAppExecutr", expected: "no schema for it" },
];

/// `text` with its one occurrence of `from` replaced by `to`; an error if `from` is missing or
/// ambiguous (the negative control went stale when the manifest changed).
fn break_once(text: &str, from: &str, to: &str) -> std::result::Result<String, String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => Err(format!("{from:?} occurs {n} times, not once")),
    }
}

/// The validator's verdict on `file`: the lines of its `ok`/`FAIL` entries for that file (the
/// entry line and the indented error lines under it), or `None` if it said nothing about it.
fn verdict(output: &str, file: &str) -> Option<String> {
    let mut found: Option<String> = None;
    let mut inside = false;
    for line in output.lines() {
        if line.starts_with("ok ") || line.starts_with("FAIL ") {
            let rest = line.split_once(' ').map_or("", |(_, r)| r).trim_start();
            inside = rest.starts_with(&format!("{file} ")) || rest.starts_with(&format!("{file}:"));
        } else if !line.starts_with("    ") {
            inside = false;
        }
        if inside {
            let entry = found.get_or_insert_with(String::new);
            entry.push_str(line);
            entry.push('\n');
        }
    }
    found
}

/// The `.yaml` files directly in `dir`, sorted, as paths relative to the repository root.
fn yaml_files(dir: &str) -> Result<Vec<String>> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .map_err(|e| format!("reading {dir}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter_map(|p| p.file_name().map(|n| format!("{dir}/{}", n.to_string_lossy())))
        .collect();
    files.sort();
    Ok(files)
}

/// Runs the validator over `manifests`; its exit success and its output (also printed).
fn run_validator(crds: &[String], manifests: &[String]) -> Result<(bool, String)> {
    let mut args = vec![VALIDATOR.to_owned()];
    for version in KUBERNETES_VERSIONS {
        args.extend(["--kubernetes-version".to_owned(), version.to_owned()]);
    }
    for crd in crds {
        args.extend(["--crd".to_owned(), crd.clone()]);
    }
    args.extend(manifests.iter().cloned());
    let out =
        Command::new("python3").args(&args).current_dir(root()).output().map_err(|e| format!("cannot start python3 {VALIDATOR}: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for line in text.lines() {
        eprintln!("    {line}");
    }
    Ok((out.status.success(), text))
}

/// Validates every manifest in `deploy/spinkube/` (and the vendored CRDs themselves, as Kubernetes
/// objects), then proves with [`BROKEN`] that broken ones are refused; the number of valid documents.
pub fn validate() -> Result<usize> {
    step(&format!("kube: kubernetes-validate {KUBERNETES_VALIDATE} from PyPI (Kubernetes' schemas; jsonschema for the CRDs)"));
    ensure_pypi("kubernetes-validate", KUBERNETES_VALIDATE)?;
    let started = Instant::now();
    step(&format!(
        "kube: every manifest in {MANIFESTS}/ against the SpinApp CRD (spin-operator v0.6.1) and Kubernetes {} (strict)",
        KUBERNETES_VERSIONS.join(" and ")
    ));
    let crds = yaml_files(CRDS)?;
    let mut manifests = yaml_files(MANIFESTS)?;
    if manifests.is_empty() || crds.is_empty() {
        return Err(format!("no manifests in {MANIFESTS}/ or no CRDs in {CRDS}/"));
    }
    manifests.extend(crds.iter().cloned());
    let (ok, output) = run_validator(&crds, &manifests)?;
    if !ok {
        return Err(format!("the SpinKube manifests do not validate (see above): {}", output.lines().last().unwrap_or("")));
    }
    let mut valid = 0;
    for file in &manifests {
        match verdict(&output, file) {
            Some(v) if v.starts_with("ok ") && !v.contains("\nFAIL ") => valid += v.lines().filter(|l| l.starts_with("ok ")).count(),
            _ => return Err(format!("the validator gave no passing verdict on {file}")),
        }
    }

    step(&format!("kube: {} broken copies of the manifests must each be refused", BROKEN.len()));
    let dir = target().join("kube-broken");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let mut broken_files = Vec::new();
    for (n, b) in BROKEN.iter().enumerate() {
        let source = root().join(MANIFESTS).join(b.file);
        let text = std::fs::read_to_string(&source).map_err(|e| format!("reading {}: {e}", source.display()))?;
        let text = break_once(&text, b.from, b.to).map_err(|e| format!("negative control {n} on {}: {e}", b.file))?;
        let path: PathBuf = dir.join(format!("{n}-{}", b.file));
        write(&path, text)?;
        broken_files.push(path.to_string_lossy().into_owned());
    }
    let (ok, output) = run_validator(&crds, &broken_files)?;
    if ok {
        return Err("the validator accepted manifests broken on purpose".into());
    }
    for (b, file) in BROKEN.iter().zip(&broken_files) {
        let v = verdict(&output, file).unwrap_or_default();
        if !v.starts_with("FAIL ") || !v.contains(b.expected) {
            let name = Path::new(file).file_name().map_or(file.clone(), |n| n.to_string_lossy().into_owned());
            return Err(format!("{name} ({:?} → {:?}) was not refused with {:?}; the validator said: {v:?}", b.from, b.to, b.expected));
        }
    }
    eprintln!("    {valid} documents valid, {} broken ones refused, in {:.1}s", BROKEN.len(), started.elapsed().as_secs_f64());
    Ok(valid)
}

/// A test-only dispatch token for [`dispatch_command`] (not a secret).
const TEST_TOKEN: &str = "kube-cronjob-test-token-0123456789";

/// The shell command of the CronJob's container (its one `args` entry, run by `/bin/sh -c`), read
/// with PyYAML (installed with kubernetes-validate).
fn cronjob_script() -> Result<String> {
    let read = "import sys, yaml\n\
                job = yaml.safe_load(open(sys.argv[1]))['spec']['jobTemplate']['spec']['template']['spec']\n\
                container, = job['containers']\n\
                assert container['command'] == ['/bin/sh', '-c'], container['command']\n\
                arg, = container['args']\n\
                print(arg)";
    let file = format!("{MANIFESTS}/cronjob.yaml");
    output("python3", &["-c", read, &file]).filter(|s| !s.is_empty()).ok_or_else(|| format!("cannot read the container command of {file}"))
}

/// Runs `script` with `sh -c` as the CronJob's container would, with its environment; whether it
/// exited 0, and what it printed.
fn run_script(script: &str, url: &str, token: &str) -> Result<(bool, String)> {
    let out = Command::new("sh")
        .args(["-c", script])
        .env("VITRINA_URL", url)
        .env("PUSH_DISPATCH_TOKEN", token)
        .output()
        .map_err(|e| format!("cannot start sh: {e}"))?;
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)).trim().to_owned();
    Ok((out.status.success(), text))
}

/// The CronJob's own command, run against a native host (`binary`) that has a dispatch token: with
/// that token it must succeed with a dispatch report; with another it must fail (401). The same
/// handler answers on Spin; what this proves is the header, method and URL the Job sends.
pub fn dispatch_command(binary: &Path) -> Result<()> {
    step("kube: the CronJob's command against the native host: a dispatch report with the token, refused without it");
    if output("curl", &["--version"]).is_none() {
        apt_install(&["curl"])?;
    }
    let script = cronjob_script()?;
    let host = Host::start_with(binary, &target().join("site"), &[("VITRINA_PUSH_DISPATCH_TOKEN", TEST_TOKEN)])?;
    let (ok, said) = host.explain(run_script(&script, &host.url, TEST_TOKEN))?;
    if !ok || !said.contains("\"sent\":") {
        return host.explain(Err(format!("the CronJob's command with the right token did not get a dispatch report: {said}")));
    }
    eprintln!("    with the token: {said}");
    let (ok, refused) = host.explain(run_script(&script, &host.url, "not-the-token"))?;
    if ok || !refused.contains("401") {
        return host.explain(Err(format!("the CronJob's command with a wrong token was not refused with 401: {refused}")));
    }
    eprintln!("    with another token: refused ({})", refused.lines().last().unwrap_or(""));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_negative_control_still_applies_to_the_shipped_manifests() {
        for b in &BROKEN {
            let text = std::fs::read_to_string(root().join(MANIFESTS).join(b.file)).expect(b.file);
            let broken = break_once(&text, b.from, b.to).unwrap_or_else(|e| panic!("{}: {e}", b.file));
            assert_ne!(broken, text);
        }
    }

    #[test]
    fn breaking_needs_exactly_one_occurrence() {
        assert_eq!(break_once("a: 1\nb: 2\n", "a: 1", "a: x"), Ok("a: x\nb: 2\n".to_owned()));
        assert!(break_once("a: 1\na: 1\n", "a: 1", "a: x").is_err());
        assert!(break_once("b: 2\n", "a: 1", "a: x").is_err());
    }

    #[test]
    fn a_verdict_is_the_entry_of_that_file_and_its_error_lines() {
        let output = "ok   d/a.yaml document 1 (Secret/s) against Kubernetes\n\
                      FAIL d/ab.yaml document 1 (SpinApp/v) against the CRD:\n    spec.replicas: 'two' is not of type 'integer'\n\
                      FAIL d/c.yaml: not readable as YAML: duplicate key 'name'\n  in \"d/c.yaml\", line 3\n\
                      1 valid, 2 invalid\n";
        assert_eq!(verdict(output, "d/a.yaml").as_deref(), Some("ok   d/a.yaml document 1 (Secret/s) against Kubernetes\n"));
        let ab = verdict(output, "d/ab.yaml").expect("a verdict");
        assert!(ab.starts_with("FAIL ") && ab.contains("'two' is not of type 'integer'"), "{ab}");
        assert!(verdict(output, "d/c.yaml").is_some_and(|v| v.contains("duplicate key 'name'")));
        assert_eq!(verdict(output, "d/b.yaml"), None);
    }

    fn manifest(file: &str) -> String {
        std::fs::read_to_string(root().join(MANIFESTS).join(file)).expect(file)
    }

    #[test]
    fn the_spinapp_sets_every_variable_of_spin_toml_and_no_other() {
        let spin_toml = std::fs::read_to_string(root().join("spin.toml")).expect("spin.toml");
        let section = spin_toml.split("\n[variables]\n").nth(1).expect("a [variables] table").split("\n[").next().unwrap_or("");
        let mut declared: Vec<&str> = section
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains(" = {"))
            .filter_map(|l| l.split(" = ").next())
            .map(str::trim)
            .collect();
        declared.sort();
        let spinapp = manifest("spinapp.yaml");
        let variables = spinapp.split("\n  variables:\n").nth(1).expect("spec.variables");
        let mut set: Vec<&str> = variables.lines().filter_map(|l| l.strip_prefix("    - name: ")).map(str::trim).collect();
        set.sort();
        assert!(declared.len() >= 9, "{declared:?}");
        assert_eq!(set, declared);
    }

    #[test]
    fn the_cronjob_calls_the_spinapps_service_with_the_token_the_app_is_given() {
        let spinapp = manifest("spinapp.yaml");
        let cronjob = manifest("cronjob.yaml");
        let token = "          name: vitrina-variables\n          key: push-dispatch-token\n";
        let dispatch = spinapp.split("- name: push_dispatch_token\n").nth(1).expect("push_dispatch_token");
        assert!(dispatch.contains(token), "the SpinApp's push_dispatch_token is not vitrina-variables/push-dispatch-token");
        assert!(cronjob.contains(&token.replace("\n          ", "\n                      ")), "{cronjob}");
        // spin-operator names the Service after the SpinApp (port 80).
        let name = spinapp.split("metadata:\n  name: ").nth(1).and_then(|r| r.lines().next()).expect("metadata.name");
        assert!(cronjob.contains(&format!("value: http://{name}\n")), "the CronJob does not call http://{name}");
        assert!(cronjob.contains("\"$VITRINA_URL/api/push/dispatch\""));
        assert!(manifest("variables-secret.yaml").contains("\n  push-dispatch-token: CHANGE-ME"));
        assert!(spinapp.contains("loadFromSecret: vitrina-runtime-config\n"));
        assert!(manifest("runtime-config-secret.yaml").contains("  name: vitrina-runtime-config\n"));
    }

    #[test]
    fn every_custom_kind_in_the_manifests_has_a_vendored_crd() {
        let crds: String = yaml_files(CRDS).expect("CRDs").iter().map(|f| std::fs::read_to_string(root().join(f)).expect("CRD")).collect();
        for file in yaml_files(MANIFESTS).expect("manifests") {
            let text = std::fs::read_to_string(root().join(&file)).expect("manifest");
            for line in text.lines().filter(|l| l.starts_with("kind: ")) {
                let kind = line.trim_start_matches("kind: ").trim();
                if !["Secret", "CronJob"].contains(&kind) {
                    assert!(crds.contains(&format!("    kind: {kind}\n")), "{file}: no vendored CRD defines {kind}");
                }
            }
        }
    }
}
