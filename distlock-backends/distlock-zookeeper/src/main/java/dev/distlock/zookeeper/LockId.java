package dev.distlock.zookeeper;

/** One owner's interest in one key: the unit of our bookkeeping. */
record LockId(String key, String owner) {
}
