//! `tusk` — the command-line tool of the tusk PostgreSQL stack.
//!
//! ```text
//! tusk conninfo [CONN] [--json]          what a connection negotiated
//! tusk query [CONN] -c SQL [--format F]  run SQL, print rows (table, csv, json)
//! tusk copy [CONN] --from|--to FILE …    bulk import/export with COPY (text, csv, binary)
//! tusk listen [CONN] CHANNEL…            print notifications as JSON lines
//! tusk demo [CONN]                       a guided tour on a throwaway cluster
//! ```
//!
//! `CONN` is a `postgres://` URL or a libpq `key=value` string; missing parameters come
//! from the PG* environment variables, as with psql.

mod conninfo;
mod copy;
mod demo;
mod listen;
mod output;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "tusk", version, about = "PostgreSQL from the command line, the tusk way")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Connect and show what was negotiated: versions, auth, session parameters.
    Conninfo {
        /// Connection URL or key=value string (default: PG* environment variables).
        conn: Option<String>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run SQL and print the rows.
    Query {
        /// Connection URL or key=value string (default: PG* environment variables).
        conn: Option<String>,
        /// The SQL to run (several statements allowed).
        #[arg(short = 'c', long = "command")]
        command: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Cancel the query if it runs longer than this (e.g. 300ms, 2s, 1m).
        #[arg(long, value_parser = parse_timeout)]
        timeout: Option<std::time::Duration>,
    },
    /// LISTEN on channels and print each notification as a JSON line until stopped.
    Listen {
        /// Connection URL or key=value string, then one or more channel names.
        #[arg(required = true, num_args = 1..)]
        args: Vec<String>,
        /// The first argument is a channel, not a connection (use the environment).
        #[arg(long)]
        env: bool,
    },
    /// Bulk import (--from FILE --table T) or export (--to FILE, --table T or --query SQL) with COPY.
    Copy(copy::CopyArgs),
    /// A short tour of what tusk can do, on a throwaway cluster unless CONN is given.
    Demo {
        /// Run the tour on this server instead (in a scratch schema dropped afterwards).
        conn: Option<String>,
    },
}

/// Output formats of `tusk query`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Aligned columns, like psql.
    Table,
    /// RFC 4180 CSV with a header line.
    Csv,
    /// One JSON array of objects.
    Json,
}

fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    tusk::config::parse_duration(s)
}

/// Parses CONN (or an empty string) and fills unset parameters from the environment.
pub fn config_from(conn: Option<&str>) -> tusk::Result<tusk::Config> {
    Ok(tusk::Config::parse(conn.unwrap_or(""))?.with_env_defaults()?)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tusk: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Command::Conninfo { conn, json } => conninfo::run(conn.as_deref(), json).await,
            Command::Query {
                conn,
                command,
                format,
                timeout,
            } => output::run_query(conn.as_deref(), &command, format, timeout).await,
            Command::Listen { args, env } => listen::run(args, env).await,
            Command::Copy(args) => copy::run(args).await,
            Command::Demo { conn } => demo::run(conn.as_deref()).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tusk: {e}");
            ExitCode::FAILURE
        }
    }
}
