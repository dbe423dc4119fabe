//! The labels' colours, when the stream shows them.

/// ANSI styling for the labels, when the stream shows colour. anstream strips it
/// again where colour is off (`NO_COLOR`, `CLICOLOR=0`, `TERM=dumb`, not a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paint {
    /// Plain text.
    Off,
    /// Labels styled.
    On,
}

impl Paint {
    fn label(self, style: anstyle::Style, text: &str) -> String {
        match self {
            Paint::On => format!("{style}{text}{style:#}"),
            Paint::Off => text.to_owned(),
        }
    }

    /// `error` in bold red.
    pub(crate) fn error(self) -> String {
        self.label(anstyle::AnsiColor::Red.on_default().bold(), "error")
    }

    /// `warning` in bold yellow.
    pub(crate) fn warning(self) -> String {
        self.label(anstyle::AnsiColor::Yellow.on_default().bold(), "warning")
    }

    /// `note` in bold.
    pub(crate) fn note(self) -> String {
        self.label(anstyle::Style::new().bold(), "note")
    }

    /// `hint` in bold cyan.
    pub(crate) fn hint(self) -> String {
        self.label(anstyle::AnsiColor::Cyan.on_default().bold(), "hint")
    }

    /// A success line in bold green.
    pub(crate) fn success(self, text: &str) -> String {
        self.label(anstyle::AnsiColor::Green.on_default().bold(), text)
    }

    /// The label before advice to keep (the libraries' `IMPORTANT:`) in bold yellow.
    pub(crate) fn important(self, text: &str) -> String {
        self.label(anstyle::AnsiColor::Yellow.on_default().bold(), text)
    }
}
