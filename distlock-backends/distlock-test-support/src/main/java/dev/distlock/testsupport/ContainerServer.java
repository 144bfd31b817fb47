package dev.distlock.testsupport;

import java.util.List;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;

/**
 * A server in a container, for machines without the server's binary but with a Docker engine.
 * The container port is bound to a fixed free loopback port, so that a restart keeps the address
 * clients were given. Only touched when Testcontainers is on the classpath and a Docker engine
 * answers ({@link #dockerAvailable()}).
 */
final class ContainerServer implements ControllableServer {

    private final GenericContainer<?> container;
    private final int hostPort;

    private ContainerServer(GenericContainer<?> container, int hostPort) {
        this.container = container;
        this.hostPort = hostPort;
    }

    /** Whether Testcontainers is present and finds a Docker engine. */
    static boolean dockerAvailable() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts {@code image} running {@code command}, its {@code containerPort} on a free loopback port. */
    @SuppressWarnings("resource")
    static ContainerServer start(String image, int containerPort, List<String> command) {
        int hostPort = FreePorts.next();
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(containerPort)
                .withCommand(command.toArray(String[]::new))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), new ExposedPort(containerPort))));
        container.start();
        return new ContainerServer(container, hostPort);
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void pause() {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void restart() {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public boolean isAlive() {
        return Boolean.TRUE.equals(container.getDockerClient().inspectContainerCmd(container.getContainerId())
                .exec().getState().getRunning());
    }

    @Override
    public void close() {
        container.stop();
    }
}
