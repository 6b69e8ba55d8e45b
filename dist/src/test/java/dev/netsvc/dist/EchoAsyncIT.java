package dev.netsvc.dist;

/** echo-async in the distribution: the checks every echo service passes ({@link EchoServiceIT}). */
class EchoAsyncIT extends EchoServiceIT {

    @Override
    String serviceId() {
        return "echo-async";
    }
}
