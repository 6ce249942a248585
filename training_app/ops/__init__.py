"""Operations: backups and the production-settings check (`flask backup|restore|security`)."""
