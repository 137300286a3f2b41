//! `tusk query`: run SQL and print results as a table, CSV or JSON.

use crate::Format;
use serde_json::{Map, Value};
use std::io::Write;
use tusk::{Column, Connection, Row, SimpleQueryMessage};

/// One result set: its columns and rows (all values in text form).
struct ResultSet {
    columns: Vec<Column>,
    rows: Vec<Vec<Option<String>>>,
}

pub async fn run_query(
    conn: Option<&str>,
    sql: &str,
    format: Format,
    timeout: Option<std::time::Duration>,
) -> tusk::Result<()> {
    let config = crate::config_from(conn)?;
    let mut c = Connection::connect_with(&config).await?;
    if timeout.is_some() {
        c.set_query_timeout(timeout);
    }
    let messages = c.simple_query(sql).await?;
    let mut sets = Vec::new();
    let mut current: Option<ResultSet> = None;
    let mut last_count = None;
    for m in messages {
        match m {
            SimpleQueryMessage::RowDescription(cols) => {
                current = Some(ResultSet {
                    columns: cols.to_vec(),
                    rows: Vec::new(),
                });
            }
            SimpleQueryMessage::Row(row) => {
                if let Some(set) = current.as_mut() {
                    set.rows.push(texts(&row)?);
                }
            }
            SimpleQueryMessage::CommandComplete(n) => {
                if let Some(set) = current.take() {
                    sets.push(set);
                }
                last_count = Some(n);
            }
            _ => {}
        }
    }
    c.close().await?;
    let mut out = std::io::stdout().lock();
    let r = match format {
        Format::Table => write_tables(&mut out, &sets, last_count),
        Format::Csv => write_csv(&mut out, &sets),
        Format::Json => write_json(&mut out, &sets),
    };
    r.map_err(|e| tusk::Error::new(tusk::ErrorKind::Io, format!("cannot write output: {e}")))
}

fn texts(row: &Row) -> tusk::Result<Vec<Option<String>>> {
    (0..row.len())
        .map(|i| row.get::<Option<&str>>(i).map(|v| v.map(str::to_owned)))
        .collect()
}

fn write_tables(out: &mut impl Write, sets: &[ResultSet], last_count: Option<u64>) -> std::io::Result<()> {
    if sets.is_empty() {
        if let Some(n) = last_count {
            writeln!(out, "OK ({n} rows affected)")?;
        }
        return Ok(());
    }
    for (k, set) in sets.iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        let mut widths: Vec<usize> = set.columns.iter().map(|c| c.name().chars().count()).collect();
        for row in &set.rows {
            for (i, v) in row.iter().enumerate() {
                widths[i] = widths[i].max(v.as_deref().unwrap_or("").chars().count());
            }
        }
        let header: Vec<String> = set
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {:^w$} ", c.name(), w = *w))
            .collect();
        writeln!(out, "{}", header.join("|").trim_end())?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
        writeln!(out, "{}", rule.join("+"))?;
        for row in &set.rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&set.columns)
                .zip(&widths)
                .map(|((v, c), w)| {
                    let v = v.as_deref().unwrap_or("");
                    if is_numeric(c) {
                        format!(" {v:>w$} ", w = *w)
                    } else {
                        format!(" {v:<w$} ", w = *w)
                    }
                })
                .collect();
            writeln!(out, "{}", cells.join("|").trim_end())?;
        }
        let n = set.rows.len();
        writeln!(out, "({n} row{})", if n == 1 { "" } else { "s" })?;
    }
    Ok(())
}

fn is_numeric(c: &Column) -> bool {
    matches!(c.type_().oid(), 20 | 21 | 23 | 26 | 700 | 701 | 1700 | 790)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.is_empty() {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv(out: &mut impl Write, sets: &[ResultSet]) -> std::io::Result<()> {
    for set in sets {
        let header: Vec<String> = set.columns.iter().map(|c| csv_field(c.name())).collect();
        writeln!(out, "{}", header.join(","))?;
        for row in &set.rows {
            // NULL is an empty unquoted field; an empty string is "" (PostgreSQL's CSV rule).
            let cells: Vec<String> = row
                .iter()
                .map(|v| v.as_deref().map(csv_field).unwrap_or_default())
                .collect();
            writeln!(out, "{}", cells.join(","))?;
        }
    }
    Ok(())
}

/// A value as JSON: numbers and booleans keep their type, json/jsonb are embedded.
fn json_value(c: &Column, v: &Option<String>) -> Value {
    let Some(v) = v else { return Value::Null };
    match c.type_().oid() {
        16 => Value::Bool(v == "t"),
        20 | 21 | 23 | 26 => v
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(v.clone())),
        700 | 701 | 1700 => serde_json::from_str::<serde_json::Number>(v)
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(v.clone())),
        114 | 3802 => serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.clone())),
        _ => Value::String(v.clone()),
    }
}

fn write_json(out: &mut impl Write, sets: &[ResultSet]) -> std::io::Result<()> {
    let mut all = Vec::new();
    for set in sets {
        for row in &set.rows {
            let obj: Map<String, Value> = set
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.name().to_string(), json_value(c, v)))
                .collect();
            all.push(Value::Object(obj));
        }
    }
    writeln!(out, "{}", Value::Array(all))
}
