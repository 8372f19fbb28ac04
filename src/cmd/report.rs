//! `mockround report`: writes the report of a session as markdown, HTML or
//! JSON, to stdout or to a private file.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::cli::ReportArgs;
use crate::review::{self, report::*};

pub fn run(ctx: &Ctx, args: ReportArgs) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    let review = review::load(config, catalog, &args.input, args.round.as_deref())?;
    review.warn_problems("");
    let doc = build(&review);
    let text = render(&doc, args.format, Some(&config.paths.config_dir))?;
    match &args.output {
        Some(path) => {
            crate::ui::write_private(path, text.as_bytes())?;
            let kind = match args.format {
                ReportFormat::Md => "markdown",
                ReportFormat::Html => "HTML",
                ReportFormat::Json => "JSON",
            };
            println!(
                "Wrote the {kind} report of {} to {} (readable only by you: it holds your answers).",
                doc.session.id,
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
