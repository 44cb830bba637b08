//! Opening what a card links to (web sites, e-mail, phone numbers) through the system.

/// Opens URLs, `mailto:` and `tel:` links through the system; a trait so tests need no desktop.
pub trait LinkOpener {
    fn open(&self, target: &str) -> Result<(), String>;
}

/// The desktop's handler for links (xdg-open on Linux).
pub struct SystemLinks;

impl LinkOpener for SystemLinks {
    fn open(&self, target: &str) -> Result<(), String> {
        open::that_detached(target).map_err(|e| format!("cannot open {target}: {e}"))
    }
}
