#[derive(Debug, tusk::ToSql, tusk::FromSql)]
#[tusk(transparent)]
struct Email(String, String);

fn main() {}
