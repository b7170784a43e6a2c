use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = frontdesk::cli::Cli::parse();
    match frontdesk::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the cause chain joined by ": ". The terminal may be
            // gone, so a failed write is ignored rather than a panic.
            let _ = writeln!(std::io::stderr(), "frontdesk: {e:#}");
            ExitCode::FAILURE
        }
    }
}
