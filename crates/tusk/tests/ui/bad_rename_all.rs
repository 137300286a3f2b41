#[derive(Debug, tusk::FromSql)]
#[tusk(rename_all = "Title Case")]
enum Mood {
    Sad,
    Happy,
}

fn main() {}
