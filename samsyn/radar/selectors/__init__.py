from samsyn.common.errors import NotFound


class SignalNotFound(NotFound):
    pass


class BodyNotFound(NotFound):
    pass
