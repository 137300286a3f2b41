#[derive(tusk::FromRow)]
enum Choice {
    A,
    B,
}

fn main() {}
