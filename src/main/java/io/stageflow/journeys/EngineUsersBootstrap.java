package io.stageflow.journeys;

import io.stageflow.security.AdminCredentials;
import io.stageflow.security.Roles;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Makes sure the role groups exist with the Camunda permissions their job needs, and that there is a first
 * administrator. Runs at every start and only adds what is missing, so changes made in Camunda Admin stay.
 */
@Component
class EngineUsersBootstrap implements InitializingBean {

    /** The group the journeys' follow-up tasks are for (the "Create follow-up task" element template's default). */
    static final String FOLLOW_UP_GROUP = "customer-success";

    private final IdentityService identityService;
    private final AuthorizationService authorizationService;
    private final AdminCredentials admin;

    EngineUsersBootstrap(IdentityService identityService, AuthorizationService authorizationService,
            AdminCredentials admin) {
        this.identityService = identityService;
        this.authorizationService = authorizationService;
        this.admin = admin;
    }

    @Override
    public void afterPropertiesSet() {
        if ((admin.requireStrongPassword() || !admin.password().isBlank()) && admin.weakness() != null) {
            throw new IllegalStateException("Refusing to start: " + admin.weakness());
        }
        ensureGroup(EngineSecurityConfiguration.ADMIN_GROUP, "Stageflow admins", Groups.GROUP_TYPE_SYSTEM);
        ensureGroup(Roles.OPERATOR, "Stageflow operators", Groups.GROUP_TYPE_WORKFLOW);
        ensureGroup(Roles.MARKETER, "Stageflow marketers", Groups.GROUP_TYPE_WORKFLOW);
        // Approvers approve the templates marketers ask to publish (stageflow.templates.require-approval): a
        // Stageflow role only, with no permission in Cockpit or Tasklist.
        ensureGroup(Roles.APPROVER, "Stageflow approvers", Groups.GROUP_TYPE_WORKFLOW);
        // Operators run journeys: see and repair instances and incidents, work tasks. They cannot deploy.
        grant(Roles.OPERATOR, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
        grant(Roles.OPERATOR, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
        grant(Roles.OPERATOR, Resources.PROCESS_DEFINITION, "*", Permissions.READ, Permissions.READ_INSTANCE,
                Permissions.UPDATE_INSTANCE, Permissions.READ_HISTORY, ProcessDefinitionPermissions.RETRY_JOB);
        grant(Roles.OPERATOR, Resources.PROCESS_INSTANCE, "*", Permissions.READ, Permissions.UPDATE,
                ProcessInstancePermissions.RETRY_JOB);
        grant(Roles.OPERATOR, Resources.TASK, "*", Permissions.READ, Permissions.UPDATE);
        grant(Roles.OPERATOR, Resources.DEPLOYMENT, "*", Permissions.READ);
        grant(Roles.OPERATOR, Resources.DECISION_DEFINITION, "*", Permissions.READ);
        // Marketers look at journeys and their results, and deploy new versions (from Camunda Modeler too).
        grant(Roles.MARKETER, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
        grant(Roles.MARKETER, Resources.PROCESS_DEFINITION, "*", Permissions.READ, Permissions.READ_HISTORY);
        grant(Roles.MARKETER, Resources.DEPLOYMENT, "*", Permissions.READ);
        grantAlso(Roles.MARKETER, Resources.DEPLOYMENT, "*", Permissions.CREATE);
        grant(Roles.MARKETER, Resources.DECISION_DEFINITION, "*", Permissions.READ);
        // Follow-up tasks from journeys ("Call back unhappy customer") go to this group in Tasklist. Each task's
        // candidate group gets its own read and update permission from the engine; the filter lists them.
        ensureGroup(FOLLOW_UP_GROUP, "Customer success", Groups.GROUP_TYPE_WORKFLOW);
        grant(FOLLOW_UP_GROUP, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
        grant(FOLLOW_UP_GROUP, Resources.PROCESS_DEFINITION, "*", Permissions.READ);
        grant(FOLLOW_UP_GROUP, Resources.FILTER, "*", Permissions.READ);
        grant(Roles.OPERATOR, Resources.FILTER, "*", Permissions.READ);
        ensureAdmin();
    }

    private void ensureAdmin() {
        if (identityService.createUserQuery().userId(admin.user()).count() > 0) {
            return; // its password is managed in Camunda Admin from now on
        }
        boolean generated = admin.password().isBlank();
        String password = generated ? AdminCredentials.randomPassword() : admin.password();
        User user = identityService.newUser(admin.user());
        user.setFirstName("Stageflow");
        user.setLastName("Admin");
        user.setPassword(password);
        identityService.saveUser(user);
        identityService.createMembership(admin.user(), EngineSecurityConfiguration.ADMIN_GROUP);
        if (generated) {
            // Deliberately on the console only, never in the log: the one time this password is shown.
            System.out.printf("%n  Stageflow created the user '%s' with the password: %s%n"
                    + "  It is shown only now. Change it in Camunda Admin (/camunda/app/admin/).%n%n",
                    admin.user(), password);
        }
    }

    private void ensureGroup(String id, String name, String type) {
        if (identityService.createGroupQuery().groupId(id).count() == 0) {
            Group group = identityService.newGroup(id);
            group.setName(name);
            group.setType(type);
            identityService.saveGroup(group);
        }
    }

    /**
     * Adds the permission to the group's authorization when it lacks it: marketers were given deploying after
     * installations had written their authorization. Unlike {@link #grant}, a permission removed in Camunda Admin
     * comes back at the next start: to keep someone from deploying, take away their marketer role instead.
     */
    private void grantAlso(String group, Resource resource, String resourceId, Permission permission) {
        Authorization existing = authorizationService.createAuthorizationQuery().groupIdIn(group)
                .resourceType(resource).resourceId(resourceId).singleResult();
        if (existing == null) {
            grant(group, resource, resourceId, permission);
        } else if (!existing.isPermissionGranted(permission)) {
            existing.addPermission(permission);
            authorizationService.saveAuthorization(existing);
        }
    }

    private void grant(String group, Resource resource, String resourceId, Permission... permissions) {
        boolean present = authorizationService.createAuthorizationQuery().groupIdIn(group)
                .resourceType(resource).resourceId(resourceId).count() > 0;
        if (present) {
            return;
        }
        Authorization authorization = authorizationService.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
        authorization.setGroupId(group);
        authorization.setResource(resource);
        authorization.setResourceId(resourceId);
        for (Permission permission : permissions) {
            authorization.addPermission(permission);
        }
        authorizationService.saveAuthorization(authorization);
    }

}
