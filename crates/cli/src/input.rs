//! Opening the input a command names: a file, or standard input for `-`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use anyhow::Context;

/// An opened input and the name to use for it in messages.
pub struct Input {
    pub name: String,
    pub reader: Box<dyn Read>,
}

pub fn open(path: &Path) -> anyhow::Result<Input> {
    if path.as_os_str() == "-" {
        return Ok(Input {
            name: "<stdin>".to_owned(),
            reader: Box::new(io::stdin().lock()),
        });
    }
    let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(Input {
        name: path.display().to_string(),
        reader: Box::new(file),
    })
}
