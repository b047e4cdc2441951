"""Charts: house style (:mod:`.style`), one function per chart (:mod:`.figures`),
and the registry the CLI uses (:mod:`.registry`)."""
