#[derive(Debug, tusk::ToSql)]
enum Shape {
    Circle(f64),
    Square { side: f64 },
}

fn main() {}
