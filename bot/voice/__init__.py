"""Voice for people who cannot read: staff record the candidate's messages by voice (/voix),
per step and language; the messages carry "🔊 Écouter", and a person may hear every one."""
