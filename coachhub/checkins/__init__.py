"""Career check-ins: the pages of issue 4, added to the coach and client portals' blueprints.

`coachhub.register_blueprints` imports `client_views` and `coach_views` before
registering those blueprints, so the routes share the portals' guards.
"""
