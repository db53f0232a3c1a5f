//! The elements of a statement that name what it covers: actions, resources, principals.

pub(crate) mod action;
pub(crate) mod principal;
pub(crate) mod resource;
