//! Benchmarks comparing this runtime with Tokio, workload by workload.
//!
//! The benches live in `benches/scheduler.rs`, `benches/time.rs` and
//! `benches/net.rs`. Each workload is one criterion group with two functions,
//! `runtime` (this runtime) and `tokio`, built from the same code so the
//! comparison is like for like (`tcp_echo_1` adds a third, `std_blocking`,
//! which `summary` does not show).
//!
//! Run them, then summarise the results as a Markdown table:
//!
//! ```text
//! cargo bench -p benches
//! cargo run -p benches --bin summary
//! ```
//!
//! `summary` reads criterion's `target/criterion/<group>/<function>/new/estimates.json`
//! files. It looks for `target/criterion` in the current directory and its
//! ancestors (or under `$CARGO_TARGET_DIR`), or takes the criterion directory
//! as its only argument. When the `timers_100k` bench has left its
//! [`LATENESS_FILE`] there, `summary` adds a second table with the timer
//! lateness that criterion cannot report; when `benches/net.rs` has left its
//! [`NET_MEMORY_FILE`], a third one with the memory per idle connection.
//!
//! This library holds the pieces of `summary` worth testing: a small JSON
//! reader (no serde needed for criterion's tiny files), the median lookup,
//! duration formatting, the table rendering, the lateness file format
//! (written by `benches/time.rs`, read by `summary`) and the memory file
//! format (written by `benches/net.rs`, read by `summary`), plus the small
//! `/proc` readers and the child-report line that `benches/net.rs` uses,
//! and [`paired`], the alternating comparison every bench switches to when
//! `PAIRED` names one of its workloads.

use std::fmt;
use std::path::PathBuf;

pub mod paired;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number.
    Number(f64),
    /// A string, with escapes resolved.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, as its members in file order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of member `key` when `self` is an object that has one.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The number, when `self` is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Why a JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the input where the problem was found.
    pub offset: usize,
    /// What was wrong there.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Parses a complete JSON document.
pub fn parse_json(text: &str) -> Result<Json, ParseError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = parser.value(0)?;
    parser.skip_ws();
    if parser.pos != parser.bytes.len() {
        return Err(parser.error("trailing characters after the JSON value"));
    }
    Ok(value)
}

/// The median point estimate, in nanoseconds, from the text of a criterion
/// `estimates.json` file (`{"median":{"point_estimate":...}}`).
pub fn median_ns(estimates_json: &str) -> Result<f64, ParseError> {
    let doc = parse_json(estimates_json)?;
    doc.get("median")
        .and_then(|median| median.get("point_estimate"))
        .and_then(Json::as_f64)
        .ok_or_else(|| ParseError {
            offset: 0,
            message: "no numeric median.point_estimate".to_owned(),
        })
}

/// Nesting limit, so a hostile file cannot overflow the stack.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", byte as char)))
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':')?;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        // The slice holds ASCII only, so it is valid UTF-8.
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or_default();
        text.parse::<f64>()
            .map(Json::Number)
            .map_err(|_| ParseError {
                offset: start,
                message: format!("invalid number `{text}`"),
            })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error("invalid `\\u` escape"))?;
        self.pos += 4;
        Ok(digits)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else {
                        return Err(self.error("unterminated string"));
                    };
                    self.pos += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let high = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&high)
                                && self.bytes[self.pos..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let low = self.hex4()?;
                                0x10000
                                    + ((high - 0xD800) << 10)
                                    + (low.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                high
                            };
                            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(byte),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("string is not valid UTF-8"))
    }
}

/// Formats a duration given in nanoseconds with a human unit: `812.30 ns`,
/// `14.25 µs`, `3.10 ms` or `1.20 s`.
pub fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.2} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Where criterion writes its results when no directory is given:
/// `$CRITERION_HOME` when set (as criterion itself does), else
/// `$CARGO_TARGET_DIR/criterion`, else the first `target/criterion` found in
/// the current directory or its ancestors. Only existing directories count.
pub fn find_criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        let dir = PathBuf::from(home);
        if dir.is_dir() {
            return Some(dir);
        }
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(target).join("criterion");
        if dir.is_dir() {
            return Some(dir);
        }
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join("target").join("criterion"))
        .find(|dir| dir.is_dir())
}

/// The criterion group whose lateness `benches/time.rs` records.
pub const LATENESS_GROUP: &str = "timers_100k";

/// The lateness file, inside the [`LATENESS_GROUP`] directory.
pub const LATENESS_FILE: &str = "lateness.txt";

/// Reads the per-runtime files ([`LATENESS_FILE`], [`NET_MEMORY_FILE`]):
/// one line per measured runtime, its name (`runtime` or `tokio`) and then
/// one integer per entry of `what` (named in the errors). Blank lines and
/// surrounding whitespace are ignored; an unknown or repeated name, a
/// missing or non-integer value or extra words are errors. Returns the
/// values of `runtime` and of `tokio`, `None` for one without a line.
fn parse_per_runtime<const N: usize>(
    text: &str,
    what: [&str; N],
) -> Result<[Option<[u64; N]>; 2], ParseError> {
    let mut found = [None, None];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_offset = offset;
        offset += line.len();
        let error = |message: String| ParseError {
            offset: line_offset,
            message,
        };
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else {
            continue;
        };
        let slot = match name {
            "runtime" => &mut found[0],
            "tokio" => &mut found[1],
            _ => return Err(error(format!("unknown runtime `{name}`"))),
        };
        let mut values = [0; N];
        for (value, what) in values.iter_mut().zip(what) {
            let word = words
                .next()
                .ok_or_else(|| error(format!("no {what} for `{name}`")))?;
            *value = word
                .parse::<u64>()
                .map_err(|_| error(format!("invalid {what} `{word}` for `{name}`")))?;
        }
        if words.next().is_some() {
            return Err(error(format!("extra words after `{name}`'s values")));
        }
        if slot.replace(values).is_some() {
            return Err(error(format!("`{name}` given twice")));
        }
    }
    Ok(found)
}

/// Max timer lateness of the `timers_100k` workload, per runtime, in
/// nanoseconds: how long after its deadline the latest of the workload's
/// sleeping tasks ran again (the median of that maximum over a few runs).
///
/// On disk ([`LATENESS_FILE`]) it is one line per measured runtime, a name
/// and an integer number of nanoseconds:
///
/// ```text
/// runtime 1234567
/// tokio 2345678
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lateness {
    /// This runtime's lateness, when measured.
    pub runtime_ns: Option<u64>,
    /// Tokio's lateness, when measured.
    pub tokio_ns: Option<u64>,
}

impl Lateness {
    /// Parses the file format above. Blank lines and surrounding whitespace
    /// are ignored; an unknown name, a repeated name, a missing or
    /// non-integer value or extra words are errors. A runtime without a line
    /// is `None`.
    pub fn parse(text: &str) -> Result<Lateness, ParseError> {
        let [runtime, tokio] = parse_per_runtime(text, ["nanoseconds"])?;
        Ok(Lateness {
            runtime_ns: runtime.map(|[ns]| ns),
            tokio_ns: tokio.map(|[ns]| ns),
        })
    }

    /// The file text for the measured runtimes, in the format [`Lateness::parse`] reads.
    pub fn to_file_text(&self) -> String {
        let mut out = String::new();
        for (name, ns) in [("runtime", self.runtime_ns), ("tokio", self.tokio_ns)] {
            if let Some(ns) = ns {
                out.push_str(&format!("{name} {ns}\n"));
            }
        }
        out
    }

    /// Renders the lateness as a small Markdown table, `—` for a runtime
    /// that was not measured.
    pub fn render_table(&self) -> String {
        let cell = |ns: Option<u64>| ns.map_or_else(|| "—".to_owned(), |ns| format_ns(ns as f64));
        format!(
            "| {LATENESS_GROUP} max lateness | runtime | tokio |\n\
             |---|---:|---:|\n\
             | median over runs of the max `now - deadline` | {} | {} |\n",
            cell(self.runtime_ns),
            cell(self.tokio_ns),
        )
    }
}

/// The soft `RLIMIT_NOFILE` from the text of `/proc/self/limits` (the first
/// number on its `Max open files` line); `unlimited` is `u64::MAX`. `None`
/// when the line is missing or unreadable.
pub fn soft_nofile_limit(limits: &str) -> Option<u64> {
    let line = limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))?;
    match line.split_whitespace().next()? {
        "unlimited" => Some(u64::MAX),
        soft => soft.parse().ok(),
    }
}

/// The resident set size, in KiB, from the text of `/proc/self/status` (its
/// `VmRSS:  1234 kB` line). `None` when the line is missing or unreadable.
pub fn vm_rss_kib(status: &str) -> Option<u64> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?;
    let mut words = line.split_whitespace();
    let kib = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(kib)
}

/// The pseudo-group under which `benches/net.rs` records per-connection
/// memory; it is not a criterion group (memory is not a time).
pub const NET_MEMORY_GROUP: &str = "net_memory";

/// The memory file, inside the [`NET_MEMORY_GROUP`] directory.
pub const NET_MEMORY_FILE: &str = "memory.txt";

/// What one `net_memory` child process measured: how much its resident set
/// grew while it opened `conns` idle loopback TCP connections (both ends in
/// the same process, the accepted end held by a task blocked in `read`).
///
/// The child prints it as one line, which the parent reads back:
///
/// ```text
/// conns=9900 rss_delta_kib=12345 per_conn_bytes=1276
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryReport {
    /// Connections that were open when the resident set was measured.
    pub conns: u64,
    /// Growth of `VmRSS` over those connections, in KiB.
    pub rss_delta_kib: u64,
}

impl MemoryReport {
    /// The growth per connection, in bytes (rounded down; 0 for no
    /// connections).
    pub fn per_conn_bytes(&self) -> u64 {
        (self.rss_delta_kib * 1024)
            .checked_div(self.conns)
            .unwrap_or(0)
    }

    /// The line the child prints, newline included.
    pub fn to_line(&self) -> String {
        format!(
            "conns={} rss_delta_kib={} per_conn_bytes={}\n",
            self.conns,
            self.rss_delta_kib,
            self.per_conn_bytes()
        )
    }

    /// Reads the report from a child's whole output: the first line that
    /// starts with `conns=`, with the three `key=value` words of
    /// [`MemoryReport::to_line`] in that order. `per_conn_bytes` must agree
    /// with the other two.
    pub fn parse_output(output: &str) -> Result<MemoryReport, ParseError> {
        let mut offset = 0;
        for line in output.split_inclusive('\n') {
            let line_offset = offset;
            offset += line.len();
            if !line.trim_start().starts_with("conns=") {
                continue;
            }
            let error = |message: String| ParseError {
                offset: line_offset,
                message,
            };
            let mut words = line.split_whitespace();
            let mut field = |key: &str| {
                let word = words.next().ok_or_else(|| error(format!("no `{key}=`")))?;
                word.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
                    .and_then(|value| value.parse::<u64>().ok())
                    .ok_or_else(|| error(format!("expected `{key}=<integer>`, found `{word}`")))
            };
            let report = MemoryReport {
                conns: field("conns")?,
                rss_delta_kib: field("rss_delta_kib")?,
            };
            let per_conn = field("per_conn_bytes")?;
            if per_conn != report.per_conn_bytes() {
                return Err(error(format!(
                    "per_conn_bytes={per_conn} does not match the other fields"
                )));
            }
            if let Some(extra) = words.next() {
                return Err(error(format!("unexpected `{extra}`")));
            }
            return Ok(report);
        }
        Err(ParseError {
            offset,
            message: "no `conns=` line".to_owned(),
        })
    }
}

/// The resident-set growth per idle connection of one runtime, as recorded
/// in [`NET_MEMORY_FILE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnMemory {
    /// Bytes of resident set per connection.
    pub bytes_per_conn: u64,
    /// Connections it was measured over.
    pub conns: u64,
}

impl From<MemoryReport> for ConnMemory {
    fn from(report: MemoryReport) -> ConnMemory {
        ConnMemory {
            bytes_per_conn: report.per_conn_bytes(),
            conns: report.conns,
        }
    }
}

/// Per-connection memory of each runtime, written by `benches/net.rs` and
/// read by `summary`.
///
/// On disk ([`NET_MEMORY_FILE`]) it is one line per measured runtime: a
/// name, the bytes per connection and the number of connections, integers:
///
/// ```text
/// runtime 1276 9900
/// tokio 1432 9900
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetMemory {
    /// This runtime's figure, when measured.
    pub runtime: Option<ConnMemory>,
    /// Tokio's figure, when measured.
    pub tokio: Option<ConnMemory>,
}

impl NetMemory {
    /// Parses the file format above. Blank lines and surrounding whitespace
    /// are ignored; an unknown or repeated name, a missing or non-integer
    /// value or extra words are errors. A runtime without a line is `None`.
    pub fn parse(text: &str) -> Result<NetMemory, ParseError> {
        let [runtime, tokio] =
            parse_per_runtime(text, ["bytes per connection", "connection count"])?;
        let memory = |[bytes_per_conn, conns]: [u64; 2]| ConnMemory {
            bytes_per_conn,
            conns,
        };
        Ok(NetMemory {
            runtime: runtime.map(memory),
            tokio: tokio.map(memory),
        })
    }

    /// The file text for the measured runtimes, in the format [`NetMemory::parse`] reads.
    pub fn to_file_text(&self) -> String {
        let mut out = String::new();
        for (name, value) in [("runtime", self.runtime), ("tokio", self.tokio)] {
            if let Some(ConnMemory {
                bytes_per_conn,
                conns,
            }) = value
            {
                out.push_str(&format!("{name} {bytes_per_conn} {conns}\n"));
            }
        }
        out
    }

    /// Renders the figures as a small Markdown table, `—` for a runtime
    /// that was not measured.
    pub fn render_table(&self) -> String {
        let dash = || "—".to_owned();
        let bytes =
            |m: Option<ConnMemory>| m.map_or_else(dash, |m| format!("{} B", m.bytes_per_conn));
        let conns = |m: Option<ConnMemory>| m.map_or_else(dash, |m| m.conns.to_string());
        format!(
            "| {NET_MEMORY_GROUP} (idle loopback TCP) | runtime | tokio |\n\
             |---|---:|---:|\n\
             | RSS growth per connection (both ends + reader task) | {} | {} |\n\
             | connections | {} | {} |\n",
            bytes(self.runtime),
            bytes(self.tokio),
            conns(self.runtime),
            conns(self.tokio),
        )
    }
}

/// Whether and how `benches/net.rs` measures per-connection memory after its
/// criterion groups, decided from the arguments its binary got.
///
/// The measurement is not a criterion benchmark, so criterion's own filter
/// never sees it; [`MemoryRun::from_args`] applies the same rules by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryRun {
    /// Not at all: `--list`, `--profile-time`, `--ignored`, or a filter that
    /// does not select [`NET_MEMORY_GROUP`].
    Skip,
    /// With a few connections, printed but not saved: criterion's test mode
    /// (`cargo bench -- --test`, or `cargo test --benches`, which does not
    /// pass `--bench`).
    Smoke,
    /// The full measurement, saved for `summary` (`cargo bench`).
    Full,
}

impl MemoryRun {
    /// Decides from the arguments after the program name, parsed the way
    /// criterion 0.5 parses them: the first positional argument is the
    /// filter, and the options that take a value (listed below) consume the
    /// next argument unless written `--option=value`. The filter is matched
    /// as a plain substring of [`NET_MEMORY_GROUP`] (criterion treats it as
    /// a regular expression; plain names behave the same), or compared
    /// whole with `--exact`.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> MemoryRun {
        const WITH_VALUE: [&str; 20] = [
            "-c",
            "--color",
            "--colour",
            "-s",
            "--save-baseline",
            "-b",
            "--baseline",
            "--baseline-lenient",
            "--format",
            "--profile-time",
            "--load-baseline",
            "--sample-size",
            "--warm-up-time",
            "--measurement-time",
            "--nresamples",
            "--noise-threshold",
            "--confidence-level",
            "--significance-level",
            "--plotting-backend",
            "--output-format",
        ];

        let mut filter = None;
        let (mut bench, mut test, mut exact, mut skip) = (false, false, false, false);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let name = arg.split('=').next().unwrap_or_default();
            match name {
                "--bench" => bench = true,
                "--test" => test = true,
                "--exact" => exact = true,
                "--list" | "--ignored" => skip = true,
                _ if arg.starts_with('-') => {
                    if name == "--profile-time" {
                        skip = true;
                    }
                    if WITH_VALUE.contains(&name) && !arg.contains('=') {
                        args.next();
                    }
                }
                _ => {
                    if filter.is_none() {
                        filter = Some(arg);
                    }
                }
            }
        }

        let selected = match &filter {
            None => true,
            Some(filter) if exact => filter == NET_MEMORY_GROUP,
            Some(filter) => NET_MEMORY_GROUP.contains(filter.as_str()),
        };
        if skip || !selected {
            MemoryRun::Skip
        } else if test || !bench {
            MemoryRun::Smoke
        } else {
            MemoryRun::Full
        }
    }
}

/// One row of the summary: a workload and its two medians, in nanoseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Criterion group name.
    pub workload: String,
    /// Median for this runtime, when measured.
    pub runtime_ns: Option<f64>,
    /// Median for Tokio, when measured.
    pub tokio_ns: Option<f64>,
}

/// Renders rows as a Markdown table, sorted by workload name.
///
/// A missing median is shown as `—`, and so is the ratio that needs it.
pub fn render_table(rows: &[Row]) -> String {
    let mut rows: Vec<&Row> = rows.iter().collect();
    rows.sort_by(|a, b| a.workload.cmp(&b.workload));

    let dash = || "—".to_owned();
    let mut out = String::from(
        "| workload | runtime median | tokio median | ratio (runtime/tokio) |\n\
         |---|---:|---:|---:|\n",
    );
    for row in rows {
        let ratio = match (row.runtime_ns, row.tokio_ns) {
            (Some(ours), Some(theirs)) if theirs > 0.0 => format!("{:.2}", ours / theirs),
            _ => dash(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.workload,
            row.runtime_ns.map_or_else(dash, format_ns),
            row.tokio_ns.map_or_else(dash, format_ns),
            ratio,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape criterion 0.5 writes to `new/estimates.json`.
    const SAMPLE: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":118.2,"upper_bound":130.9},"point_estimate":123.4,"standard_error":3.2},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":450.0,"upper_bound":460.5},"point_estimate":456.7,"standard_error":2.5},"median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.25},"slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":5.0e0,"upper_bound":7.5E1},"point_estimate":-6.0e-1,"standard_error":1.0}}"#;

    #[test]
    fn median_comes_from_the_median_object() {
        assert_eq!(median_ns(SAMPLE).unwrap(), 456.7);
    }

    #[test]
    fn median_with_whitespace_and_other_key_order() {
        let text = "{\n  \"median\" : {\n \"standard_error\": 1,\n \"point_estimate\": 2.5e3,\n \
                    \"confidence_interval\": {\"point_estimate\": 9}\n }\n}\n";
        assert_eq!(median_ns(text).unwrap(), 2500.0);
    }

    #[test]
    fn parses_every_kind_of_value() {
        let doc = parse_json(r#"{"a":[1,-2.5e1,true,false,null],"s":"x\"\\\u00e9\ud83d\ude00"}"#)
            .unwrap();
        assert_eq!(
            doc.get("a"),
            Some(&Json::Array(vec![
                Json::Number(1.0),
                Json::Number(-25.0),
                Json::Bool(true),
                Json::Bool(false),
                Json::Null,
            ]))
        );
        assert_eq!(doc.get("s"), Some(&Json::String("x\"\\é😀".to_owned())));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(median_ns("").is_err());
        assert!(median_ns("{\"median\":{}}").is_err());
        assert!(median_ns("{\"median\":{\"point_estimate\":\"1\"}}").is_err());
        assert!(parse_json("{\"a\":1,}").is_err());
        assert!(parse_json("{\"a\":1} x").is_err());
        assert!(parse_json("[1.2.3]").is_err());
        assert!(parse_json(&"[".repeat(1000)).is_err());
    }

    #[test]
    fn formats_units() {
        assert_eq!(format_ns(812.3), "812.30 ns");
        assert_eq!(format_ns(14_250.0), "14.25 µs");
        assert_eq!(format_ns(3_100_000.0), "3.10 ms");
        assert_eq!(format_ns(1_200_000_000.0), "1.20 s");
    }

    #[test]
    fn table_is_sorted_with_ratios() {
        let rows = [
            Row {
                workload: "yield_many".into(),
                runtime_ns: Some(3e6),
                tokio_ns: Some(2e6),
            },
            Row {
                workload: "block_on".into(),
                runtime_ns: Some(50.0),
                tokio_ns: None,
            },
        ];
        assert_eq!(
            render_table(&rows),
            "| workload | runtime median | tokio median | ratio (runtime/tokio) |\n\
             |---|---:|---:|---:|\n\
             | block_on | 50.00 ns | — | — |\n\
             | yield_many | 3.00 ms | 2.00 ms | 1.50 |\n"
        );
    }

    #[test]
    fn lateness_file_round_trips() {
        let lateness = Lateness {
            runtime_ns: Some(1_234_567),
            tokio_ns: Some(2_000_000),
        };
        let text = lateness.to_file_text();
        assert_eq!(text, "runtime 1234567\ntokio 2000000\n");
        assert_eq!(Lateness::parse(&text).unwrap(), lateness);
    }

    #[test]
    fn lateness_file_tolerates_whitespace_order_and_gaps() {
        assert_eq!(
            Lateness::parse("\n  tokio\t42  \r\n\nruntime 7").unwrap(),
            Lateness {
                runtime_ns: Some(7),
                tokio_ns: Some(42),
            }
        );
        assert_eq!(
            Lateness::parse("tokio 5\n").unwrap(),
            Lateness {
                runtime_ns: None,
                tokio_ns: Some(5),
            }
        );
        assert_eq!(Lateness::parse("").unwrap(), Lateness::default());
    }

    #[test]
    fn lateness_file_rejects_bad_lines() {
        let err = Lateness::parse("runtime 1\nsmol 2\n").unwrap_err();
        assert_eq!(err.offset, 10);
        assert!(err.message.contains("smol"), "{err}");
        assert!(Lateness::parse("runtime\n").is_err());
        assert!(Lateness::parse("runtime 1.5\n").is_err());
        assert!(Lateness::parse("runtime -1\n").is_err());
        assert!(Lateness::parse("runtime 1 ns\n").is_err());
        assert!(Lateness::parse("runtime 1\nruntime 2\n").is_err());
    }

    #[test]
    fn lateness_table() {
        let lateness = Lateness {
            runtime_ns: Some(1_500_000),
            tokio_ns: None,
        };
        assert_eq!(
            lateness.render_table(),
            "| timers_100k max lateness | runtime | tokio |\n\
             |---|---:|---:|\n\
             | median over runs of the max `now - deadline` | 1.50 ms | — |\n"
        );
    }

    #[test]
    fn soft_nofile_from_proc_limits() {
        let limits = concat!(
            "Limit                     Soft Limit           Hard Limit           Units     \n",
            "Max cpu time              unlimited            unlimited            seconds   \n",
            "Max open files            1024                 524288               files     \n",
            "Max locked memory         8388608              8388608              bytes     \n",
        );
        assert_eq!(soft_nofile_limit(limits), Some(1024));
        assert_eq!(
            soft_nofile_limit(
                "Max open files            unlimited            unlimited            files\n"
            ),
            Some(u64::MAX)
        );
        assert_eq!(
            soft_nofile_limit("Max cpu time unlimited unlimited seconds\n"),
            None
        );
        assert_eq!(
            soft_nofile_limit("Max open files   lots  lots  files\n"),
            None
        );
    }

    #[test]
    fn vm_rss_from_proc_status() {
        let status =
            "Name:\tnet-1234\nVmPeak:\t  20000 kB\nVmRSS:\t    5432 kB\nRssAnon:\t 3000 kB\n";
        assert_eq!(vm_rss_kib(status), Some(5432));
        assert_eq!(vm_rss_kib("VmHWM:\t 1 kB\n"), None);
        assert_eq!(vm_rss_kib("VmRSS:\t 12 MB\n"), None);
        assert_eq!(vm_rss_kib("VmRSS:\t x kB\n"), None);
    }

    #[test]
    fn memory_report_round_trips_through_child_output() {
        let report = MemoryReport {
            conns: 9900,
            rss_delta_kib: 12_345,
        };
        assert_eq!(report.per_conn_bytes(), 12_345 * 1024 / 9900);
        let line = report.to_line();
        assert_eq!(line, "conns=9900 rss_delta_kib=12345 per_conn_bytes=1276\n");
        let output = format!("note: something else first\n{line}trailing chatter\n");
        assert_eq!(MemoryReport::parse_output(&output).unwrap(), report);
        assert_eq!(
            ConnMemory::from(report),
            ConnMemory {
                bytes_per_conn: 1276,
                conns: 9900,
            }
        );
        assert_eq!(
            MemoryReport {
                conns: 0,
                rss_delta_kib: 5
            }
            .per_conn_bytes(),
            0
        );
    }

    #[test]
    fn memory_report_rejects_bad_output() {
        let err = MemoryReport::parse_output("hello\n").unwrap_err();
        assert!(err.message.contains("conns="), "{err}");
        let err = MemoryReport::parse_output("x\nconns=10 rss_delta_kib=1\n").unwrap_err();
        assert_eq!(err.offset, 2);
        assert!(err.message.contains("per_conn_bytes"), "{err}");
        assert!(MemoryReport::parse_output("conns=10 rss_delta_kib=1 per_conn_bytes=7\n").is_err());
        assert!(
            MemoryReport::parse_output("conns=ten rss_delta_kib=1 per_conn_bytes=0\n").is_err()
        );
        assert!(MemoryReport::parse_output("conns=10 rss=1 per_conn_bytes=102\n").is_err());
        assert!(
            MemoryReport::parse_output("conns=10 rss_delta_kib=1 per_conn_bytes=102 more\n")
                .is_err()
        );
    }

    #[test]
    fn net_memory_file_round_trips() {
        let memory = NetMemory {
            runtime: Some(ConnMemory {
                bytes_per_conn: 1276,
                conns: 9900,
            }),
            tokio: Some(ConnMemory {
                bytes_per_conn: 1432,
                conns: 9800,
            }),
        };
        let text = memory.to_file_text();
        assert_eq!(text, "runtime 1276 9900\ntokio 1432 9800\n");
        assert_eq!(NetMemory::parse(&text).unwrap(), memory);
        assert_eq!(
            NetMemory::parse("\n  tokio\t7  3 \r\n").unwrap(),
            NetMemory {
                runtime: None,
                tokio: Some(ConnMemory {
                    bytes_per_conn: 7,
                    conns: 3,
                }),
            }
        );
        assert_eq!(NetMemory::parse("").unwrap(), NetMemory::default());
    }

    #[test]
    fn net_memory_file_rejects_bad_lines() {
        let err = NetMemory::parse("runtime 1 2\nsmol 3 4\n").unwrap_err();
        assert_eq!(err.offset, 12);
        assert!(err.message.contains("smol"), "{err}");
        assert!(NetMemory::parse("runtime\n").is_err());
        assert!(NetMemory::parse("runtime 1\n").is_err());
        assert!(NetMemory::parse("runtime 1.5 2\n").is_err());
        assert!(NetMemory::parse("runtime -1 2\n").is_err());
        assert!(NetMemory::parse("runtime 1 2 B\n").is_err());
        assert!(NetMemory::parse("tokio 1 2\ntokio 1 2\n").is_err());
    }

    #[test]
    fn net_memory_table() {
        let memory = NetMemory {
            runtime: Some(ConnMemory {
                bytes_per_conn: 1276,
                conns: 9900,
            }),
            tokio: None,
        };
        assert_eq!(
            memory.render_table(),
            "| net_memory (idle loopback TCP) | runtime | tokio |\n\
             |---|---:|---:|\n\
             | RSS growth per connection (both ends + reader task) | 1276 B | — |\n\
             | connections | 9900 | — |\n"
        );
    }

    #[test]
    fn memory_run_follows_criterion_arguments() {
        let run = |args: &[&str]| MemoryRun::from_args(args.iter().map(|a| a.to_string()));
        assert_eq!(run(&["--bench"]), MemoryRun::Full);
        assert_eq!(run(&[]), MemoryRun::Smoke);
        assert_eq!(run(&["--bench", "--test"]), MemoryRun::Smoke);
        assert_eq!(run(&["--bench", "--list"]), MemoryRun::Skip);
        assert_eq!(run(&["--bench", "--profile-time", "5"]), MemoryRun::Skip);
        assert_eq!(run(&["--bench", "--ignored"]), MemoryRun::Skip);
        assert_eq!(run(&["--bench", "tcp_echo"]), MemoryRun::Skip);
        assert_eq!(run(&["--bench", "memory"]), MemoryRun::Full);
        assert_eq!(run(&["--bench", "--exact", "memory"]), MemoryRun::Skip);
        assert_eq!(run(&["--bench", "--exact", "net_memory"]), MemoryRun::Full);
        // Option values are not filters.
        assert_eq!(
            run(&["--bench", "--sample-size", "10", "--save-baseline", "x"]),
            MemoryRun::Full
        );
        assert_eq!(
            run(&["--measurement-time=2", "--bench", "net_", "udp"]),
            MemoryRun::Full
        );
        assert_eq!(run(&["-b", "main", "--bench", "udp"]), MemoryRun::Skip);
    }
}
