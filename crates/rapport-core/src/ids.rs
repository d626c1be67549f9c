//! Record ids, one type per kind of record, so a person's id cannot be
//! passed where a project's is expected. An id says nothing about whether
//! the record exists or who may see it; the store and the access rules do.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id of the record numbered `raw` (from a path, a row or a
            /// body); nothing is checked.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The number, for storage and the wire.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A client organisation.
    AccountId
);
id!(
    /// A person on either side.
    PersonId
);
id!(
    /// A project.
    ProjectId
);
id!(
    /// A status record of a project.
    StatusId
);
id!(
    /// A user who signs in.
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_show_and_serialise_as_their_number() {
        let id = ProjectId::new(42);
        assert_eq!(id.to_string(), "42");
        assert_eq!(serde_json::to_string(&id).unwrap_or_default(), "42");
        assert_eq!(id.get(), 42);
    }
}
