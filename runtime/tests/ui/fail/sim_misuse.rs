#[runtime::main(flavor = "sim")]
async fn main() {}

#[runtime::test(seeds = 5)]
async fn seeds_without_sim() {}
