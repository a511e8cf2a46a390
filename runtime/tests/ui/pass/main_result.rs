use std::error::Error;

fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

#[runtime::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let handle = runtime::spawn(async { 20 + 1 });
    let value = handle.await.map_err(|e| format!("{e:?}"))?;
    // `?` converts into the declared error type.
    let parsed = parse("21")?;
    if value != parsed {
        return Err("mismatch".into());
    }
    Ok(())
}
