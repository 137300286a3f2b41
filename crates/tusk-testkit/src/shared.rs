//! One cluster per installed major version, shared by all tests of a process.
//!
//! The first call to [`shared_clusters`] starts a cluster for every installation that
//! [`installations`] finds, in parallel threads, and registers an `atexit` handler that
//! stops them and removes their directories when the process exits. The Rust test harness
//! exits through `exit(3)` also when tests failed or panicked, so the handler runs then
//! too; a process killed by a signal leaves its clusters behind for the stale cleanup of
//! the next run.

use std::sync::OnceLock;

use crate::cluster::Cluster;
use crate::install::{Installation, cache_dirs, installations};
use crate::options::ClusterOptions;

/// What the first call found and started.
struct Shared {
    clusters: Vec<Cluster>,
    failures: Vec<(Installation, String)>,
}

static SHARED: OnceLock<Shared> = OnceLock::new();

/// The process-wide test clusters: one per installed PostgreSQL major version, sorted by
/// major version, started on first use and stopped when the process exits.
///
/// # Panics
///
/// So that tests never pass against nothing, this panics when
/// - no PostgreSQL installation is found at all (run `scripts/install-postgres`);
/// - no cluster could be started;
/// - `$TUSK_REQUIRE_PG` (a comma-separated list of majors, e.g. `15,18`) names a major
///   version that is not installed or whose cluster failed to start.
///
/// Other clusters that fail to start are reported on stderr and left out.
///
/// ```no_run
/// use tusk_testkit::{Role, Transport};
///
/// for cluster in tusk_testkit::shared_clusters() {
///     let db = cluster.fresh_database()?;
///     let conninfo = cluster.conninfo(Role::Scram, Transport::Tcp, &db);
///     // ... connect with conninfo and test against PostgreSQL `cluster.major()`
/// }
/// # Ok::<(), tusk_testkit::TestkitError>(())
/// ```
pub fn shared_clusters() -> &'static [Cluster] {
    let shared = SHARED.get_or_init(start_shared);
    if let Err(message) = check(shared, std::env::var("TUSK_REQUIRE_PG").ok().as_deref()) {
        panic!("tusk-testkit: {message}");
    }
    &shared.clusters
}

/// The shared cluster of one major version, if that version is installed and started.
///
/// # Panics
///
/// As [`shared_clusters`], which it calls.
///
/// ```no_run
/// if let Some(pg18) = tusk_testkit::shared_cluster(18) {
///     assert!(pg18.version().starts_with("18"));
/// }
/// ```
pub fn shared_cluster(major: u32) -> Option<&'static Cluster> {
    shared_clusters().iter().find(|c| c.major() == major)
}

fn start_shared() -> Shared {
    let found = installations();
    let results: Vec<(Installation, Result<Cluster, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = found
            .iter()
            .map(|inst| scope.spawn(move || Cluster::start(inst, ClusterOptions::default()).map_err(|e| e.to_string())))
            .collect();
        found
            .iter()
            .zip(handles)
            .map(|(inst, handle)| {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err("the start-up thread panicked".to_owned()));
                (inst.clone(), result)
            })
            .collect()
    });
    let mut shared = Shared {
        clusters: Vec::new(),
        failures: Vec::new(),
    };
    for (inst, result) in results {
        match result {
            Ok(cluster) => shared.clusters.push(cluster),
            Err(message) => {
                eprintln!(
                    "tusk-testkit: PostgreSQL {} ({}) did not start: {message}",
                    inst.version,
                    inst.bin_dir.display()
                );
                shared.failures.push((inst, message));
            }
        }
    }
    if !shared.clusters.is_empty() {
        // SAFETY: registering a plain `extern "C" fn()` that does not unwind.
        unsafe {
            libc::atexit(stop_shared_clusters);
        }
    }
    shared
}

/// Runs at process exit: stops every shared cluster and removes its directory.
extern "C" fn stop_shared_clusters() {
    // Unwinding out of an extern "C" fn aborts; swallow any panic instead.
    let _ = std::panic::catch_unwind(|| {
        if let Some(shared) = SHARED.get() {
            let clusters: Vec<&Cluster> = shared.clusters.iter().collect();
            Cluster::teardown_all(&clusters);
        }
    });
}

/// Whether the shared state satisfies the rules of [`shared_clusters`]; the error is the
/// panic message.
fn check(shared: &Shared, required: Option<&str>) -> Result<(), String> {
    if shared.clusters.is_empty() && shared.failures.is_empty() {
        let caches: Vec<String> = cache_dirs().iter().map(|d| format!("{}/*/bin", d.display())).collect();
        return Err(format!(
            "no PostgreSQL installation found (looked in $TUSK_PG_BIN, `pg_config --bindir`, \
             /usr/lib/postgresql/*/bin and {}). Run scripts/install-postgres, or point \
             TUSK_PG_BIN at a bin directory.",
            caches.join(", ")
        ));
    }
    if shared.clusters.is_empty() {
        return Err(format!(
            "no PostgreSQL cluster could be started:\n{}",
            describe_failures(&shared.failures)
        ));
    }
    let Some(required) = required.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(());
    };
    let mut missing = Vec::new();
    for item in required.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let major: u32 = item
            .parse()
            .map_err(|_| format!("TUSK_REQUIRE_PG={required:?}: {item:?} is not a major version number"))?;
        if shared.clusters.iter().any(|c| c.major() == major) {
            continue;
        }
        match shared.failures.iter().find(|(inst, _)| inst.major == major) {
            Some((inst, message)) => missing.push(format!(
                "PostgreSQL {major} ({}) failed to start: {message}",
                inst.bin_dir.display()
            )),
            None => missing.push(format!("PostgreSQL {major} is not installed")),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let running: Vec<String> = shared.clusters.iter().map(|c| c.version().to_owned()).collect();
    Err(format!(
        "TUSK_REQUIRE_PG={required} is not satisfied (running: {}):\n{}\n\
         Run scripts/install-postgres, or change TUSK_REQUIRE_PG.",
        if running.is_empty() {
            "none".to_owned()
        } else {
            running.join(", ")
        },
        missing.join("\n")
    ))
}

fn describe_failures(failures: &[(Installation, String)]) -> String {
    failures
        .iter()
        .map(|(inst, message)| format!("PostgreSQL {} ({}): {message}", inst.version, inst.bin_dir.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn failure(major: u32) -> (Installation, String) {
        let inst = Installation {
            major,
            version: format!("{major}.1"),
            bin_dir: PathBuf::from(format!("/opt/pg{major}/bin")),
            lib_dir: None,
        };
        (inst, "boom".to_owned())
    }

    #[test]
    fn nothing_installed_tells_how_to_install() {
        let shared = Shared {
            clusters: Vec::new(),
            failures: Vec::new(),
        };
        let err = check(&shared, None).unwrap_err();
        assert!(err.contains("scripts/install-postgres"), "{err}");
    }

    #[test]
    fn all_failed_lists_the_failures() {
        let shared = Shared {
            clusters: Vec::new(),
            failures: vec![failure(17)],
        };
        let err = check(&shared, None).unwrap_err();
        assert!(err.contains("PostgreSQL 17.1 (/opt/pg17/bin): boom"), "{err}");
    }
}
