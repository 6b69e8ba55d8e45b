package dev.netsvc.dist;

/** echo-blocking in the distribution: the checks every echo service passes ({@link EchoServiceIT}). */
class EchoBlockingIT extends EchoServiceIT {

    @Override
    String serviceId() {
        return "echo-blocking";
    }
}
