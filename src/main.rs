use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = frontdesk::cli::Cli::parse();
    match frontdesk::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the cause chain joined by ": ".
            eprintln!("frontdesk: {e:#}");
            ExitCode::FAILURE
        }
    }
}
