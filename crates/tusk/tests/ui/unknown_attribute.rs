#[derive(tusk::FromRow)]
struct Person {
    #[tusk(renamed = "full_name")]
    name: String,
}

fn main() {}
