#[derive(tusk::FromRow)]
struct Inner {
    a: i32,
}

#[derive(tusk::FromRow)]
struct Outer {
    #[tusk(flatten, rename = "inner")]
    inner: Inner,
}

fn main() {}
