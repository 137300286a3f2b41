//! Lists the PostgreSQL installations tusk-testkit finds; with `--start`, starts one
//! cluster per major version, prints how to connect to each, and keeps them running until
//! Enter is pressed.
//!
//! ```text
//! cargo run -p tusk-testkit --example clusters -- --start
//! ```

use std::io::BufRead;

use tusk_testkit::{Role, Transport, installations, shared_clusters};

fn main() {
    for inst in installations() {
        let lib = match &inst.lib_dir {
            Some(lib) => format!(" (LD_LIBRARY_PATH={})", lib.display()),
            None => String::new(),
        };
        println!("PostgreSQL {:<6} {}{lib}", inst.version, inst.bin_dir.display());
    }
    if !std::env::args().any(|arg| arg == "--start") {
        return;
    }
    for cluster in shared_clusters() {
        println!("\nPostgreSQL {} on port {}:", cluster.version(), cluster.port());
        for role in Role::ALL {
            println!("  {}", cluster.conninfo(role, Transport::Tcp, "postgres"));
        }
        println!("  {}", cluster.conninfo(Role::Superuser, Transport::Unix, "postgres"));
    }
    println!("\nPress Enter to stop the clusters.");
    let _ = std::io::stdin().lock().lines().next();
}
