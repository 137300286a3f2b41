//! A smoke run of the benchmark binary: it must start a cluster, run both drivers and
//! print a ratio. Nothing here looks at the figures themselves — speed goals belong to
//! the benchmark, never to a test.

use std::process::Command;

#[test]
fn quick_point_run_prints_ratios() {
    if tusk_testkit::installations().is_empty() {
        assert!(
            std::env::var("TUSK_REQUIRE_PG").unwrap_or_default().trim().is_empty(),
            "TUSK_REQUIRE_PG is set but no PostgreSQL is installed"
        );
        eprintln!("skipped: no PostgreSQL installed (run scripts/install-postgres)");
        return;
    }

    let output = Command::new(env!("CARGO_BIN_EXE_tusk-bench"))
        .args(["--quick", "--rounds", "1", "--workloads", "point"])
        .output()
        .expect("run tusk-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tusk-bench failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.lines().any(|l| l
            .trim_start()
            .starts_with("ratio tusk Connection / tokio-postgres: ops/s ")),
        "no ratio line\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("ratio tusk Client / tokio-postgres"),
        "no Client ratio\n{stdout}"
    );
    assert!(
        !stdout.contains("checksums differ"),
        "the drivers read different rows\n{stdout}"
    );
    assert!(!stdout.contains("FAILED"), "{stdout}\n{stderr}");
}

#[test]
fn json_output_is_machine_readable() {
    if tusk_testkit::installations().is_empty() {
        eprintln!("skipped: no PostgreSQL installed (run scripts/install-postgres)");
        return;
    }
    let output = Command::new(env!("CARGO_BIN_EXE_tusk-bench"))
        .args([
            "--quick",
            "--scale",
            "0.2",
            "--rounds",
            "1",
            "--workloads",
            "insert",
            "--json",
        ])
        .output()
        .expect("run tusk-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tusk-bench failed\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
    let insert = &doc["workloads"][0];
    assert_eq!(insert["workload"], "insert");
    assert_eq!(insert["ops_per_run"], 100);
    assert_eq!(insert["checksums_agree"], true);
    assert!(insert["failure"].is_null());
    let ratio = &insert["ratios"][0]["ratio"];
    assert!(ratio["ops_per_sec"].as_f64().is_some_and(|r| r > 0.0), "{insert}");
    assert!(ratio["cpu_us_per_op"].as_f64().is_some_and(|r| r > 0.0), "{insert}");
}

#[test]
fn unknown_workloads_are_refused_before_any_cluster_starts() {
    let output = Command::new(env!("CARGO_BIN_EXE_tusk-bench"))
        .args(["--workloads", "point,nosuch"])
        .output()
        .expect("run tusk-bench");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown workload \"nosuch\""), "{stderr}");
}
