//! `tusk copy`: bulk import and export with COPY.
//!
//! ```text
//! tusk copy [CONN] --from FILE|- --table T [--columns a,b] [--format text|csv|binary] [--header]
//! tusk copy [CONN] --to FILE|- (--table T [--columns a,b] | --query SQL) [--format …] [--header]
//! ```
//!
//! The data streams between the file (or stdin/stdout) and the server through
//! [`tusk::CopyIn`] / [`tusk::CopyOut`], in bounded memory. While it runs, a progress line
//! (rows, bytes, rate) is drawn on stderr if stderr is a terminal; at the end a summary
//! such as `COPY 1000 rows, 12.3 kB in 0.1 s` is printed (on stderr when the data itself
//! goes to stdout, on stdout otherwise).
//!
//! Table and column names are quoted for the server, so any name works and none can
//! inject SQL. They are read like SQL identifiers: unquoted parts fold to lower case
//! (`--table Public.Users` is `public.users`), double-quoted parts are taken as written
//! (`--table '"Sales"."Q1.2024"'`).

use clap::{ArgGroup, Args, ValueEnum};
use std::io::IsTerminal;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tusk::{Connection, Error, ErrorKind};

/// Arguments of `tusk copy`.
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("direction").required(true).args(["from", "to"])))]
pub struct CopyArgs {
    /// Connection URL or key=value string (default: PG* environment variables).
    pub conn: Option<String>,
    /// Import: read the data from FILE (`-` for standard input) into --table.
    #[arg(long, value_name = "FILE", requires = "table")]
    pub from: Option<String>,
    /// Export: write the data to FILE (`-` for standard output) from --table or --query.
    #[arg(long, value_name = "FILE")]
    pub to: Option<String>,
    /// The table, optionally schema-qualified: `schema.table`. Double-quote a name to
    /// keep its case or use dots in it.
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Export the rows of this query instead of a table.
    #[arg(long, value_name = "SQL", conflicts_with_all = ["table", "from", "columns"])]
    pub query: Option<String>,
    /// Only these columns of --table, comma-separated, in the order of the data.
    #[arg(long, value_name = "A,B,…", requires = "table")]
    pub columns: Option<String>,
    /// The data format.
    #[arg(long, value_enum, default_value_t = CopyFormat::Text)]
    pub format: CopyFormat,
    /// The data starts with a header line: skipped on import, written on export (text
    /// and csv only; text needs PostgreSQL 15 or later).
    #[arg(long)]
    pub header: bool,
}

/// Data formats of `tusk copy`: PostgreSQL's COPY formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CopyFormat {
    /// Tab-separated, `\N` for NULL, backslash escapes (COPY's default).
    Text,
    /// RFC 4180 CSV; an unquoted empty field is NULL.
    Csv,
    /// PostgreSQL's binary COPY format.
    Binary,
}

impl CopyFormat {
    fn sql(self) -> &'static str {
        match self {
            CopyFormat::Text => "text",
            CopyFormat::Csv => "csv",
            CopyFormat::Binary => "binary",
        }
    }
}

/// What to run: the COPY statement, and where the data goes or comes from.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Import { sql: String, path: String },
    Export { sql: String, path: String },
}

fn usage(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Config, message)
}

impl Plan {
    fn new(args: &CopyArgs) -> tusk::Result<Plan> {
        if args.header && args.format == CopyFormat::Binary {
            return Err(usage("--header works with --format text or csv, not binary"));
        }
        let mut options = format!("FORMAT {}", args.format.sql());
        if args.header {
            options.push_str(", HEADER true");
        }
        let target = match (&args.table, &args.query) {
            (Some(table), None) => {
                let mut target = qualified_name(table).map_err(usage)?;
                if let Some(columns) = &args.columns {
                    let columns = split_identifiers(columns, ',').map_err(usage)?;
                    let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
                    target.push_str(&format!(" ({})", quoted.join(", ")));
                }
                target
            }
            (None, Some(query)) => {
                let query = query.trim().trim_end_matches(|c: char| c == ';' || c.is_whitespace());
                if query.is_empty() {
                    return Err(usage("--query is empty"));
                }
                format!("({query})")
            }
            _ => return Err(usage("give --table, or --query with --to")),
        };
        match (&args.from, &args.to) {
            (Some(path), None) => Ok(Plan::Import {
                sql: format!("COPY {target} FROM STDIN ({options})"),
                path: path.clone(),
            }),
            (None, Some(path)) => Ok(Plan::Export {
                sql: format!("COPY {target} TO STDOUT ({options})"),
                path: path.clone(),
            }),
            _ => Err(usage("give exactly one of --from and --to")),
        }
    }
}

/// Runs `tusk copy`.
pub async fn run(args: CopyArgs) -> tusk::Result<()> {
    let plan = Plan::new(&args)?;
    let config = crate::config_from(args.conn.as_deref())?;
    let started = Instant::now();
    let (rows, bytes, data_on_stdout) = match &plan {
        Plan::Import { sql, path } => {
            // Open the input before starting the COPY: a missing file costs nothing.
            let input: Box<dyn AsyncRead + Unpin> = if path == "-" {
                Box::new(tokio::io::stdin())
            } else {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::new(ErrorKind::Io, format!("cannot open {path}: {e}")))?;
                Box::new(file)
            };
            let mut conn = Connection::connect_with(&config).await?;
            let rows_known = args.format != CopyFormat::Binary;
            let (rows, bytes) = import(&mut conn, sql, input, rows_known).await?;
            conn.close().await?;
            (rows, bytes, false)
        }
        Plan::Export { sql, path } => {
            let mut conn = Connection::connect_with(&config).await?;
            let (rows, bytes) = export(&mut conn, sql, path).await?;
            conn.close().await?;
            (rows, bytes, path == "-")
        }
    };
    let summary = format!(
        "COPY {rows} {}, {} in {:.1} s",
        if rows == 1 { "row" } else { "rows" },
        human_bytes(bytes),
        started.elapsed().as_secs_f64()
    );
    if data_on_stdout {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}

/// Streams `input` into `COPY … FROM STDIN`; returns the server's row count and the bytes
/// sent.
async fn import(
    conn: &mut Connection,
    sql: &str,
    mut input: Box<dyn AsyncRead + Unpin>,
    rows_known: bool,
) -> tusk::Result<(u64, u64)> {
    let mut copy = conn.copy_in(sql).await?;
    let mut progress = Progress::new(rows_known);
    let mut buf = vec![0u8; 256 * 1024];
    let (mut lines, mut bytes) = (0u64, 0u64);
    loop {
        let n = match input.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                progress.clear();
                // Dropping `copy` aborts the COPY: nothing is inserted.
                return Err(Error::new(ErrorKind::Io, format!("cannot read the input: {e}")));
            }
        };
        let data = &buf[..n];
        if let Err(e) = copy.send(data).await {
            progress.clear();
            return Err(e);
        }
        bytes += n as u64;
        if rows_known {
            lines += data.iter().filter(|b| **b == b'\n').count() as u64;
        }
        progress.update(lines, bytes);
    }
    let result = copy.finish().await;
    progress.clear();
    Ok((result?, bytes))
}

/// Streams `COPY … TO STDOUT` into the file at `path` (stdout for `-`); returns the
/// server's row count and the bytes written. A file left incomplete by an error is
/// removed.
async fn export(conn: &mut Connection, sql: &str, path: &str) -> tusk::Result<(u64, u64)> {
    // Start the COPY before creating the file: a bad query leaves no empty file behind.
    let mut out = conn.copy_out(sql).await?;
    let to_file = path != "-";
    let sink: Box<dyn AsyncWrite + Unpin> = if to_file {
        let file = tokio::fs::File::create(path)
            .await
            .map_err(|e| Error::new(ErrorKind::Io, format!("cannot create {path}: {e}")))?;
        Box::new(file)
    } else {
        Box::new(tokio::io::stdout())
    };
    let mut sink = BufWriter::with_capacity(256 * 1024, sink);
    let mut progress = Progress::new(true);
    let (mut chunks, mut bytes) = (0u64, 0u64);
    let result: tusk::Result<u64> = async {
        let write_error = |e: std::io::Error| Error::new(ErrorKind::Io, format!("cannot write {path}: {e}"));
        while let Some(chunk) = out.next_chunk().await {
            let chunk = chunk?;
            sink.write_all(&chunk).await.map_err(write_error)?;
            chunks += 1;
            bytes += chunk.len() as u64;
            progress.update(chunks, bytes);
        }
        sink.flush().await.map_err(write_error)?;
        Ok(out.rows().unwrap_or(0))
    }
    .await;
    progress.clear();
    match result {
        Ok(rows) => Ok((rows, bytes)),
        Err(e) => {
            drop(sink);
            if to_file {
                let _ = tokio::fs::remove_file(path).await;
            }
            Err(e)
        }
    }
}

/// A progress line on stderr, redrawn at most ten times a second, only on a terminal.
struct Progress {
    enabled: bool,
    rows_known: bool,
    started: Instant,
    next_draw: Instant,
    drawn: bool,
}

impl Progress {
    fn new(rows_known: bool) -> Progress {
        let now = Instant::now();
        Progress {
            enabled: std::io::stderr().is_terminal(),
            rows_known,
            started: now,
            next_draw: now + Duration::from_millis(100),
            drawn: false,
        }
    }

    fn update(&mut self, rows: u64, bytes: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if now < self.next_draw {
            return;
        }
        self.next_draw = now + Duration::from_millis(100);
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = if secs > 0.0 { (bytes as f64 / secs) as u64 } else { 0 };
        let rows = if self.rows_known {
            format!("{rows} rows, ")
        } else {
            String::new()
        };
        eprint!("\r\x1b[K{rows}{}, {}/s", human_bytes(bytes), human_bytes(rate));
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
            self.drawn = false;
        }
    }
}

/// `999 B`, `12.3 kB`, `4.0 MB`: decimal units, one decimal.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `"name"` with embedded quotes doubled: safe for any name.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `schema.table` (or `table`, or `db.schema.table`) as quoted SQL.
fn qualified_name(name: &str) -> Result<String, String> {
    let parts = split_identifiers(name, '.')?;
    if parts.len() > 3 {
        return Err(format!("too many dotted parts in the table name {name:?}"));
    }
    let quoted: Vec<String> = parts.iter().map(|p| quote_ident(p)).collect();
    Ok(quoted.join("."))
}

/// Splits `s` at `sep` into identifiers, read as SQL reads them: an unquoted part folds
/// to lower case; a double-quoted part is taken as written (`""` is a quote in it).
fn split_identifiers(s: &str, sep: char) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut part = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    None => return Err(format!("unterminated quoted name in {s:?}")),
                    Some('"') if chars.next_if_eq(&'"').is_some() => part.push('"'),
                    Some('"') => break,
                    Some(c) => part.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != sep && *c != '"' && !c.is_whitespace()) {
                part.push(c.to_ascii_lowercase());
            }
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if part.is_empty() {
            return Err(format!("an empty name in {s:?}"));
        }
        if part.contains('\0') {
            return Err(format!("a NUL character in {s:?}"));
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some(c) if c == sep => {}
            Some(c) => return Err(format!("unexpected {c:?} in {s:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(from: Option<&str>, to: Option<&str>) -> CopyArgs {
        CopyArgs {
            conn: None,
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            table: None,
            query: None,
            columns: None,
            format: CopyFormat::Text,
            header: false,
        }
    }

    #[test]
    fn names_are_split_folded_and_quoted() {
        assert_eq!(qualified_name("users").unwrap(), r#""users""#);
        assert_eq!(qualified_name("Public.Users").unwrap(), r#""public"."users""#);
        assert_eq!(qualified_name(r#""Sales"."Q1.2024""#).unwrap(), r#""Sales"."Q1.2024""#);
        assert_eq!(qualified_name(r#" s . "a""b" "#).unwrap(), r#""s"."a""b""#);
        assert_eq!(qualified_name("ünïcode").unwrap(), r#""ünïcode""#);
        assert_eq!(
            qualified_name(r#"x"; DROP TABLE y; --"#).unwrap_err(),
            r#"unexpected '"' in "x\"; DROP TABLE y; --""#
        );
        assert_eq!(
            qualified_name(r#""x""; DROP TABLE y; --""#).unwrap(),
            r#""x""; DROP TABLE y; --""#
        );
        for bad in [
            "", ".", "a.", ".a", "a..b", r#""""#, r#""open"#, "a b", "a.b.c.d", "a\0b",
        ] {
            assert!(qualified_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            split_identifiers(r#"id, Name ,"Odd, Col""#, ',').unwrap(),
            ["id", "name", "Odd, Col"]
        );
        assert!(split_identifiers("a,,b", ',').is_err());
    }

    #[test]
    fn plans() {
        let mut a = args(Some("f.csv"), None);
        a.table = Some("s.T".into());
        a.columns = Some("a,B".into());
        a.format = CopyFormat::Csv;
        a.header = true;
        assert_eq!(
            Plan::new(&a).unwrap(),
            Plan::Import {
                sql: r#"COPY "s"."t" ("a", "b") FROM STDIN (FORMAT csv, HEADER true)"#.into(),
                path: "f.csv".into()
            }
        );
        let mut a = args(None, Some("-"));
        a.query = Some("SELECT 1 ;; \n".into());
        a.format = CopyFormat::Binary;
        assert_eq!(
            Plan::new(&a).unwrap(),
            Plan::Export {
                sql: "COPY (SELECT 1) TO STDOUT (FORMAT binary)".into(),
                path: "-".into()
            }
        );
        a.header = true;
        assert!(Plan::new(&a).unwrap_err().to_string().contains("--header"));
        assert!(Plan::new(&args(None, Some("x"))).is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(12_345), "12.3 kB");
        assert_eq!(human_bytes(999_960), "1.0 MB");
        assert_eq!(human_bytes(4_000_000_000), "4.0 GB");
        assert_eq!(human_bytes(u64::MAX), "18.4 EB");
    }
}
