// Only the missing `async` is reported: the function keeps its arguments, so
// the body and the call below raise no follow-up errors.
struct Server;

impl Server {
    #[runtime::main]
    fn run(self, port: u16) -> u16 {
        port
    }
}

fn main() {
    let _ = Server.run(80);
}
