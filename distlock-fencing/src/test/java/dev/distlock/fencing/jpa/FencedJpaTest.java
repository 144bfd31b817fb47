package dev.distlock.fencing.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Persistence;
import jakarta.persistence.PersistenceConfiguration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.distlock.LockContext;
import dev.distlock.LockOptions;
import dev.distlock.StaleLockTokenException;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.FencingToken;
import dev.distlock.fencing.LeaseRequiredException;
import dev.distlock.inmemory.InMemoryLockBackend;

/** {@link FencedJpa} and the managed-entity recipe of docs/fencing.md, on Hibernate (the Boot BOM's) and H2. */
class FencedJpaTest {

    private static final LockOptions OPTIONS = LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(5));

    private static EntityManagerFactory entityManagers;
    private LockEngine locks;

    @BeforeAll
    static void createEntityManagerFactory() {
        entityManagers = Persistence.createEntityManagerFactory(new PersistenceConfiguration("fencing")
                .managedClass(Shipment.class)
                .property(PersistenceConfiguration.JDBC_URL, "jdbc:h2:mem:fenced-jpa;DB_CLOSE_DELAY=-1")
                .property(PersistenceConfiguration.SCHEMAGEN_DATABASE_ACTION, "drop-and-create"));
    }

    @AfterAll
    static void closeEntityManagerFactory() {
        entityManagers.close();
    }

    @BeforeEach
    void seed() {
        runInTransaction(em -> {
            em.createQuery("DELETE FROM Shipment").executeUpdate();
            em.persist(new Shipment("o-1", "NEW"));
        });
        locks = LockEngine.builder(new InMemoryLockBackend()).namespace("fencing").build();
    }

    @AfterEach
    void closeLocks() {
        locks.close();
    }

    @Test
    void guardedUpdateUnderTheCurrentLeaseStampsItsToken() {
        long token = locks.callLocked("order:o-1", OPTIONS, () -> inTransaction((EntityManager em) -> {
            assertThat(new FencedJpa(em).update(Shipment.class).set("status", "SHIPPED").where("orderId", "o-1").execute())
                    .isOne();
            return LockContext.currentLease().orElseThrow().fencingToken();
        }));
        Shipment shipment = find("o-1");
        assertThat(shipment.getStatus()).isEqualTo("SHIPPED");
        assertThat(shipment.getFenceToken()).isEqualTo(token);
    }

    @Test
    void guardedUpdateWithAnOlderTokenIsRefusedAndChangesNothing() {
        runInTransaction(em -> new FencedJpa(em).update(Shipment.class).set("status", "SHIPPED").where("orderId", "o-1")
                .token(8).execute());

        assertThatThrownBy(() -> runInTransaction(em -> new FencedJpa(em).update(Shipment.class).set("status", "NEW")
                .where("orderId", "o-1").token(6).execute()))
                .isInstanceOfSatisfying(StaleLockTokenException.class, e -> {
                    assertThat(e.key()).isEqualTo("Shipment WHERE {orderId=o-1}");
                    assertThat(e.presentedToken()).isEqualTo(6);
                    assertThat(e.storedToken()).isEqualTo(8);
                });
        assertThat(find("o-1").getStatus()).isEqualTo("SHIPPED");
    }

    @Test
    void noEntityWithTheKeyIsNoRefusal() {
        assertThat(inTransaction((EntityManager em) -> new FencedJpa(em).update(Shipment.class).set("status", "X")
                .where("orderId", "missing").token(1).execute())).isZero();
    }

    @Test
    void aGuardedUpdateOutsideAnyLockWithoutATokenIsNotSent() {
        assertThatThrownBy(() -> runInTransaction(em -> new FencedJpa(em).update(Shipment.class).set("status", "X")
                .where("orderId", "o-1").execute())).isInstanceOf(LeaseRequiredException.class);
        assertThat(find("o-1").getStatus()).isEqualTo("NEW");
    }

    @Test
    void managedEntityRecipeRefusesAnOlderTokenUnderTheRowLock() {
        runInTransaction(em -> shipManaged(em, "o-1", "SHIPPED", FencingToken.of(5)));
        assertThat(find("o-1").getFenceToken()).isEqualTo(5);

        assertThatThrownBy(() -> runInTransaction(em -> shipManaged(em, "o-1", "NEW", FencingToken.of(4))))
                .isInstanceOfSatisfying(StaleLockTokenException.class, e -> assertThat(e.storedToken()).isEqualTo(5));
        assertThat(find("o-1").getStatus()).isEqualTo("SHIPPED");

        runInTransaction(em -> shipManaged(em, "o-1", "DELIVERED", FencingToken.of(5)));
        assertThat(find("o-1").getStatus()).isEqualTo("DELIVERED");
    }

    /** The recipe of docs/fencing.md for code that changes managed entities: load under a row lock, compare, write. */
    private static void shipManaged(EntityManager em, String orderId, String status, FencingToken token) {
        Shipment shipment = em.find(Shipment.class, orderId, LockModeType.PESSIMISTIC_WRITE);
        if (shipment.getFenceToken() > token.value()) {
            throw new StaleLockTokenException("Shipment " + orderId, token.value(), shipment.getFenceToken(), token.lockKey());
        }
        shipment.setStatus(status);
        shipment.setFenceToken(token.value());
    }

    private static Shipment find(String orderId) {
        EntityManager em = entityManagers.createEntityManager();
        try {
            return em.find(Shipment.class, orderId);
        } finally {
            em.close();
        }
    }

    private static void runInTransaction(Consumer<EntityManager> work) {
        inTransaction((EntityManager em) -> {
            work.accept(em);
            return null;
        });
    }

    private static <R> R inTransaction(Function<EntityManager, R> work) {
        EntityManager em = entityManagers.createEntityManager();
        try {
            em.getTransaction().begin();
            try {
                R result = work.apply(em);
                em.getTransaction().commit();
                return result;
            } catch (RuntimeException e) {
                if (em.getTransaction().isActive()) {
                    em.getTransaction().rollback();
                }
                throw e;
            }
        } finally {
            em.close();
        }
    }
}
