//! The subcommands, from parsed flags to an exit code.

pub mod controls;
pub mod fix;
pub mod plugins;
pub mod rollback;
pub mod run;

use std::io::Write;

use crate::engine::{Engine, Mode};
use crate::settings::Settings;
use crate::settings::cli::{Cli, Command, PluginsCommand};
use crate::util::timings;

/// Run the command line; returns the process exit code.
pub async fn execute(cli: Cli, out: &mut dyn Write) -> anyhow::Result<u8> {
    timings::start();
    match cli.command {
        Command::Run(args) => run::run(&args, out).await,
        Command::Controls(list) => controls::controls(&list.sel, list.format, out).await,
        Command::Plugins(PluginsCommand::List(list)) => {
            let settings = Settings::resolve(&list.sel)?;
            let format = settings.config.defaults.format(list.format);
            let engine = Engine::load(settings, Mode::Audit, false).await?;
            plugins::list(&engine.catalog, format, out)
        }
        Command::Plugins(PluginsCommand::Inspect(args)) => plugins::inspect(&args, out).await,
        Command::Fix(args) => fix::fix(&args, out).await,
        Command::Rollback(args) => rollback::rollback(&args, out).await,
    }
}
