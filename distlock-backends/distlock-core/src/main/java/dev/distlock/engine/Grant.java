package dev.distlock.engine;

/**
 * A granted acquisition.
 *
 * @param fencingToken the store's token for this grant
 * @param sentAtNanos  when the attempt that was granted was sent ({@link NanoClock}): the lease starts then
 */
record Grant(long fencingToken, long sentAtNanos) {
}
