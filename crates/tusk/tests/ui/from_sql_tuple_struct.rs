#[derive(Debug, tusk::FromSql)]
struct Meters(f64);

fn main() {}
