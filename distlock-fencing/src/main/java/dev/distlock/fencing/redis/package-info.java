/** Redis writes that refuse a stale lock holder in the same script call: {@link dev.distlock.fencing.redis.FencedRedis}. */
@NullMarked
package dev.distlock.fencing.redis;

import org.jspecify.annotations.NullMarked;
