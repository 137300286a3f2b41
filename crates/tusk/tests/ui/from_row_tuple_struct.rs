#[derive(tusk::FromRow)]
struct Pair(i32, String);

fn main() {}
