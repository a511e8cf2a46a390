#[runtime::main]
async fn main() -> Result<(), std::io::Error> {
    let value = 5;
    value
}
