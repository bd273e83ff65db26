using Aspire.Hosting.ApplicationModel;

namespace AspireAgent.AppHost.Publishing;

/// <summary>
/// Azure Container Apps for <c>azd up</c>, opt in: build with <c>-p:AzureContainerApps=true</c> (or the variable
/// <c>AzureContainerApps=true</c>, which MSBuild reads as the property) to bring in
/// Aspire.Hosting.Azure.AppContainers from nuget.org. Without it these are no-ops and the default build needs no
/// Azure package; azd then deploys from the manifest with its default Container Apps mapping.
/// </summary>
internal static class ContainerAppsPublishing
{
    public static void AddContainerAppsEnvironment(this IDistributedApplicationBuilder builder)
    {
#if AZURE_CONTAINER_APPS
        builder.AddAzureContainerAppEnvironment("aca");
#endif
    }

    public static IResourceBuilder<ProjectResource> PublishAsScaledContainerApp(this IResourceBuilder<ProjectResource> project, int minReplicas)
    {
#if AZURE_CONTAINER_APPS
        return project.PublishAsAzureContainerApp((_, app) => app.Template.Scale.MinReplicas = minReplicas);
#else
        _ = minReplicas;
        return project;
#endif
    }
}
