package dev.distlock.redis;

import java.util.List;
import java.util.stream.Stream;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.StoreDownContract;
import dev.distlock.testsupport.RedisServerFixture;

/** Redlock over three nodes, all of them down, with the default node timeout. */
class RedlockStoreDownIT extends StoreDownContract {

    @Override
    protected Store startStore() {
        List<RedisServerFixture> servers = Stream.generate(RedisServerFixture::start).limit(3).toList();
        return new Store() {
            @Override
            public LockBackend newBackend() {
                return new RedlockLockBackend(RedlockSettings.of(servers.stream().map(RedisServerFixture::uri).toList()));
            }

            @Override
            public void kill() {
                servers.forEach(RedisServerFixture::kill);
            }

            @Override
            public void pause() {
                servers.forEach(server -> server.server().pause());
            }

            @Override
            public void close() {
                servers.forEach(RedisServerFixture::close);
            }
        };
    }
}
